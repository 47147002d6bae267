import { ApiError } from '@tandem/client';
import { describe, expect, it } from 'vitest';
import { errorMessage, fieldErrors } from '../src/api/errors.js';
import type { DocumentView, StatusView } from '../src/api/types.js';
import { parseRoute, paths } from '../src/app/routes.js';
import { applyMove, columns, moveRequest, rankBetween } from '../src/features/board/board-order.js';
import { ancestors, buildTree, canMove } from '../src/features/docs/tree.js';
import { insertMention, matchMembers, mentionHandle, mentionQuery } from '../src/features/tasks/mentions.js';
import { downloadName } from '../src/ui/save-response.js';
import { documentView, statusView, taskView } from './views.js';

const task = (id: string, status: string, rank: string) => taskView({ id, status, rank });

describe('board ordering', () => {
  it('finds a rank strictly between any two neighbours, and at either end', () => {
    const pairs: [string | null, string | null][] = [
      [null, null],
      ['a', 'b'],
      ['a', 'a01'],
      ['az', 'b'],
      [null, 'a'],
      ['zzz', null],
      ['hzzzzz', 'i00007'],
      // Out of order in a stale cache: placed after the first, never throws.
      ['m', 'c'],
    ];
    for (const [a, b] of pairs) {
      const r = rankBetween(a, b);
      if (a !== null) expect(r > a, `${r} > ${a}`).toBe(true);
      if (b !== null && (a === null || a < b)) expect(r < b, `${r} < ${b}`).toBe(true);
    }
  });

  it('groups tasks into status columns in rank order', () => {
    const statuses: StatusView[] = [
      statusView({ id: 's1', name: 'To do', position: 0 }),
      statusView({ id: 's2', name: 'Done', category: 'done', position: 1 }),
    ];
    const cols = columns(statuses, [task('b', 's1', 'm'), task('a', 's1', 'c'), task('c', 's2', 'a')]);
    expect(cols.get('s1')!.map((t) => t.id)).toEqual(['a', 'b']);
    expect(cols.get('s2')!.map((t) => t.id)).toEqual(['c']);
  });

  it('turns a drop position into afterId/beforeId, ignoring the dragged card itself', () => {
    const col = [task('a', 'x', 'a'), task('b', 'x', 'b'), task('c', 'x', 'c')];
    expect(moveRequest('c', col, 0, 'x')).toEqual({ taskId: 'c', status: 'x', beforeId: 'a' });
    expect(moveRequest('a', col, 1, 'x')).toEqual({ taskId: 'a', status: 'x', afterId: 'b', beforeId: 'c' });
    expect(moveRequest('z', col, 3, 'y')).toEqual({ taskId: 'z', status: 'y', afterId: 'c' });
    expect(moveRequest('z', [], 0, 'y')).toEqual({ taskId: 'z', status: 'y' });
  });

  it('applies a move optimistically so the card shows in its new place at once', () => {
    const tasks = [task('a', 'todo', 'a'), task('b', 'todo', 'b'), task('c', 'done', 'c')];
    const moved = applyMove(tasks, { id: 'c', status: 'todo', afterId: 'a', beforeId: 'b' });
    const cols = columns([statusView({ id: 'todo', name: 'To do' })], moved);
    expect(cols.get('todo')!.map((t) => t.id)).toEqual(['a', 'c', 'b']);
  });
});

describe('knowledge-base tree', () => {
  const doc = (id: string, parentId: string | null, extra: Partial<DocumentView> = {}) => documentView({ id, parentId, ...extra });
  const docs = [
    doc('root', null),
    doc('child', 'root'),
    doc('grandchild', 'child'),
    doc('gone', null, { deletedAt: '2026-01-01' }),
    doc('orphan', 'gone'),
  ];

  it('nests documents under their parents and leaves trashed ones out', () => {
    const tree = buildTree(docs);
    expect(tree.map((n) => n.doc.id)).toEqual(['orphan', 'root']);
    expect(tree[1]!.children[0]!.children[0]!.doc.id).toBe('grandchild');
  });

  it('refuses to move a document inside itself or its descendants', () => {
    expect(canMove(docs, 'root', 'grandchild')).toBe(false);
    expect(canMove(docs, 'root', 'root')).toBe(false);
    expect(canMove(docs, 'grandchild', null)).toBe(true);
    expect(canMove(docs, 'child', 'orphan')).toBe(true);
  });

  it('lists ancestors root first, even when the data has a cycle', () => {
    expect(ancestors(docs, 'grandchild').map((d) => d.id)).toEqual(['root', 'child']);
    expect(ancestors([doc('x', 'y'), doc('y', 'x')], 'x').length).toBeLessThanOrEqual(2);
  });
});

describe('@mentions', () => {
  const members = [
    { displayName: 'Ana', email: 'ana@example.com' },
    { displayName: 'Bo Li', email: 'bo@example.com' },
  ];
  it('detects the mention being typed at the caret', () => {
    expect(mentionQuery('hi @an', 6)).toEqual({ start: 3, query: 'an' });
    expect(mentionQuery('mail a@b', 8)).toBeNull();
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
  });

  it('writes one-word names as is and others by email, then continues after a space', () => {
    expect(mentionHandle(members[0]!)).toBe('Ana');
    expect(mentionHandle(members[1]!)).toBe('bo@example.com');
    expect(insertMention('hi @b there', 3, 5, 'bo@example.com')).toEqual({ text: 'hi @bo@example.com  there', caret: 19 });
    expect(matchMembers(members, 'li').map((m) => m.displayName)).toEqual(['Bo Li']);
  });
});

describe('routes', () => {
  it('round-trips every screen through its URL', () => {
    expect(parseRoute(paths.task('w', 'p', 't'))).toEqual({ name: 'board', wid: 'w', pid: 'p', tid: 't' });
    expect(parseRoute(paths.board('w', 'p'))).toEqual({ name: 'board', wid: 'w', pid: 'p' });
    expect(parseRoute(paths.doc('w', 'd'))).toEqual({ name: 'doc', wid: 'w', did: 'd' });
    expect(parseRoute(paths.inbox('w'))).toEqual({ name: 'inbox', wid: 'w' });
    expect(parseRoute('/')).toEqual({ name: 'home' });
    expect(parseRoute('/w/x/unknown')).toEqual({ name: 'notFound' });
  });
});

describe('error messages', () => {
  it("uses the API's message, lists invalid fields and says when to retry", () => {
    expect(errorMessage(new ApiError(404, 'not_found', 'Task not found'))).toBe('Task not found');
    expect(errorMessage(new ApiError(400, 'validation_failed', 'bad', [{ field: 'key', message: 'too long' }]))).toBe('Key: too long');
    const limited = new ApiError(429, 'rate_limited', 'Too many attempts.', undefined, new Headers({ 'retry-after': '30' }));
    expect(errorMessage(limited)).toBe('Too many attempts. Try again in 30 seconds.');
    expect(errorMessage(new ApiError(0, 'network_error', 'fetch failed'))).toMatch(/Cannot reach the server/);
  });

  it("says a full server disk in words (the server's own sentence, else one of ours), never as a generic failure", () => {
    const full = "The server's disk is full, so this was not saved. Tell the server's admin; what was saved before is safe";
    expect(errorMessage(new ApiError(507, 'insufficient_storage', full))).toBe(full);
    expect(errorMessage(new ApiError(507, 'insufficient_storage', ''))).toMatch(/disk is full/);
  });

  it('never shows schema text: each validation detail becomes a sentence about its field', () => {
    const invalid = (details: unknown[]) => new ApiError(400, 'validation_failed', 'The request does not match the schema', details);
    const tooShort = {
      field: 'displayName',
      message: 'Too small: expected string to have >=1 characters',
      issue: 'too_small',
      limit: 1,
      origin: 'string',
    };
    const tooLong = {
      field: 'body',
      message: 'Too big: expected string to have <=10000 characters',
      issue: 'too_big',
      limit: 10000,
      origin: 'string',
    };
    expect(errorMessage(invalid([tooShort]))).toBe('Name cannot be empty.');
    expect(errorMessage(invalid([tooLong]))).toBe('Comment can be at most 10000 characters.');
    expect(errorMessage(invalid([{ field: 'email', message: 'Invalid email address', issue: 'invalid_format', format: 'email' }]))).toBe(
      'Enter a valid email address, like name@company.com.',
    );
    expect(fieldErrors(invalid([tooShort, tooLong]))).toEqual({
      displayName: 'Name cannot be empty.',
      body: 'Comment can be at most 10000 characters.',
    });
    expect(errorMessage(invalid([{ field: 'expiresAt', message: 'must be in the future' }]))).toBe('Expiry must be in the future.');
    expect(errorMessage(new ApiError(403, 'forbidden', ''))).toBe('Your role here does not allow this.');
  });
});

describe('a download is saved under the name the server gave it', () => {
  it('prefers the UTF-8 name, then the quoted one, then the fallback', () => {
    expect(downloadName(`attachment; filename="Plan.zip"; filename*=UTF-8''R%C3%A9sum%C3%A9.zip`, 'document.zip')).toBe('Résumé.zip');
    expect(downloadName('attachment; filename="audit-2026-11-29.csv"', 'audit.csv')).toBe('audit-2026-11-29.csv');
    expect(downloadName(`attachment; filename*=UTF-8''%E0%A4%A`, 'document.zip')).toBe('document.zip');
    expect(downloadName(null, 'audit.csv')).toBe('audit.csv');
  });
});
