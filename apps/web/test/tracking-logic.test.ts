import { describe, expect, it } from 'vitest';
import type { SprintView, StatusView } from '../src/api/types.js';
import { parseRoute, paths } from '../src/app/routes.js';
import { sprintLists, unfinished } from '../src/features/board/backlog.js';
import { reorder } from '../src/features/board/board-order.js';
import { LABEL_COLORS, labelTextColor, nextLabelColor } from '../src/features/labels/labels.js';
import { sprintView, statusView, taskView } from './views.js';

const task = (id: string, rank: string, sprintId: string | null, status = 'todo') => taskView({ id, rank, sprintId, status });
const sprint = (id: string, state: SprintView['state'] = 'planned') => sprintView({ id, state });

describe('sprint lists', () => {
  it('groups tasks by sprint in rank order and puts tasks of no (or an unknown) sprint in the backlog', () => {
    const { bySprint, backlog } = sprintLists(
      [sprint('s1', 'active'), sprint('s2')],
      [task('a', 'm', 's1'), task('b', 'c', 's1'), task('c', 'b', null), task('d', 'a', 'gone'), task('e', 'z', 's2')],
    );
    expect(bySprint.get('s1')!.map((t) => t.id)).toEqual(['b', 'a']);
    expect(bySprint.get('s2')!.map((t) => t.id)).toEqual(['e']);
    expect(backlog.map((t) => t.id)).toEqual(['d', 'c']);
  });

  it('counts as unfinished the tasks whose status is not in the done category', () => {
    const statuses: StatusView[] = [
      statusView({ id: 'todo', name: 'To Do', category: 'todo', position: 0 }),
      statusView({ id: 'doing', name: 'Doing', category: 'in_progress', position: 1 }),
      statusView({ id: 'done', name: 'Done', category: 'done', position: 2 }),
    ];
    const tasks = [task('a', 'a', 's', 'todo'), task('b', 'b', 's', 'doing'), task('c', 'c', 's', 'done')];
    expect(unfinished(tasks, statuses).map((t) => t.id)).toEqual(['a', 'b']);
  });
});

describe('status reorder', () => {
  const list = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
  it('moves an item to a position among the others and renumbers', () => {
    expect(reorder(list, 'c', 0)).toEqual([
      { id: 'c', position: 0 },
      { id: 'a', position: 1 },
      { id: 'b', position: 2 },
    ]);
    expect(reorder(list, 'a', 1).map((s) => s.id)).toEqual(['b', 'a', 'c']);
    expect(reorder(list, 'a', 99).map((s) => s.id)).toEqual(['b', 'c', 'a']);
    expect(reorder(list, 'x', 0)).toBe(list);
  });
});

describe('label colours', () => {
  it('picks readable text on light and dark colours', () => {
    expect(labelTextColor('#ffffff')).toBe('#000000');
    expect(labelTextColor('#ffc53d')).toBe('#000000');
    expect(labelTextColor('#000000')).toBe('#ffffff');
    expect(labelTextColor('#6e56cf')).toBe('#ffffff');
    expect(labelTextColor('not a colour')).toBe('#000000');
  });

  it('offers a palette colour not in use yet', () => {
    expect(nextLabelColor([])).toBe(LABEL_COLORS[0]);
    expect(nextLabelColor([LABEL_COLORS[0]!.toUpperCase()])).toBe(LABEL_COLORS[1]);
    expect(LABEL_COLORS).toContain(nextLabelColor(LABEL_COLORS));
  });
});

describe('project routes', () => {
  it('parses and builds the backlog, settings and labels URLs', () => {
    expect(parseRoute(paths.backlog('w', 'p'))).toEqual({ name: 'backlog', wid: 'w', pid: 'p' });
    expect(parseRoute(paths.backlogTask('w', 'p', 't'))).toEqual({ name: 'backlog', wid: 'w', pid: 'p', tid: 't' });
    expect(parseRoute(paths.projectSettings('w', 'p'))).toEqual({ name: 'projectSettings', wid: 'w', pid: 'p' });
    expect(parseRoute(paths.labels('w'))).toEqual({ name: 'labels', wid: 'w' });
    expect(parseRoute('/w/w/p/p/settings/x')).toEqual({ name: 'notFound' });
  });
});
