// The rules server and clients share through the protocol package: the action table, the mention
// parser and the app's route table.
import { describe, expect, it } from 'vitest';
import { appRoutes, parseRoute, paths } from '../src/app-routes.js';
import { findMentions, MENTION_TOKEN, mentionHandle, mentionQuery } from '../src/mentions.js';
import * as policy from '../src/policy.js';
import { ActionRoles, allows } from '../src/policy.js';

describe('the action table', () => {
  it('lets each role do what its rank allows, and nobody without a role anything', () => {
    for (const action of Object.keys(ActionRoles) as Array<keyof typeof ActionRoles>) {
      expect(allows(null, action)).toBe(false);
      expect(allows('owner', action)).toBe(true);
    }
    expect(allows('viewer', 'document.read')).toBe(true);
    expect(allows('viewer', 'document.create')).toBe(false);
    expect(allows('viewer', 'task.update')).toBe(false);
    expect(allows('editor', 'task.update')).toBe(true);
    expect(allows('editor', 'workspace.members.manage')).toBe(false);
    expect(allows('editor', 'document.share')).toBe(false);
  });
});

describe('the mention parser', () => {
  const members = [
    { userId: 'ann', email: 'ann@example.test', displayName: 'Ann Lee' },
    { userId: 'bo', email: 'bo@example.test', displayName: 'Bo' },
  ];
  it('finds members by display name or email, in any case, and only members', () => {
    expect(findMentions('hi @ann lee and @BO@example.test', members).sort()).toEqual(['ann', 'bo']);
    expect(findMentions('hi @Boris and @carl@example.test', members)).toEqual([]);
    expect(findMentions('mail bo@example.test or `@Bo` in code', members)).toEqual([]);
  });
  it('parses what the client writes: a one-word name as is, otherwise the email', () => {
    for (const m of members) {
      const handle = mentionHandle(m);
      expect(MENTION_TOKEN.exec(`@${handle} thanks`)?.[1]).toBe(handle);
      expect(findMentions(`@${handle} thanks`, members)).toEqual([m.userId]);
    }
    expect(mentionQuery('ping @an', 8)).toEqual({ start: 5, query: 'an' });
    expect(mentionQuery('mail me@x', 9)).toBeNull();
  });
});

describe('the app route table', () => {
  it('round-trips every screen through its URL, and knows which paths are screens', () => {
    expect(parseRoute(paths.settings('w'))).toEqual({ name: 'settings', wid: 'w' });
    expect(parseRoute(paths.audit('w'))).toEqual({ name: 'audit', wid: 'w' });
    expect(parseRoute(paths.profile())).toEqual({ name: 'profile' });
    expect(parseRoute(paths.invite('tok_1-2'))).toEqual({ name: 'invite', token: 'tok_1-2' });
    expect(parseRoute(paths.backlogTask('w', 'p', 't'))).toEqual({ name: 'backlog', wid: 'w', pid: 'p', tid: 't' });
    expect(appRoutes.isAppPath('/w/a/p/b/t/c')).toBe(true);
    expect(appRoutes.isAppPath('/')).toBe(true);
    expect(appRoutes.isAppPath('/w/a/unknown')).toBe(false);
    expect(appRoutes.isAppPath('/etc/passwd')).toBe(false);
  });
});

describe('rules beyond a role', () => {
  it("lets authors edit their comments while they may write, and owners delete anyone's", () => {
    const { rules } = policy;
    expect(rules.mayEditComment('editor', true)).toBe(true);
    expect(rules.mayEditComment('viewer', true)).toBe(false);
    expect(rules.mayEditComment('owner', false)).toBe(false);
    expect(rules.mayDeleteComment('owner', false)).toBe(true);
    expect(rules.mayDeleteComment('editor', false)).toBe(false);
    expect(rules.mayBeAssigned('viewer')).toBe(false);
    expect(rules.mayBeAssigned('editor')).toBe(true);
    expect(rules.keepsAnOwner(['a'], 'a', 'editor')).toBe(false);
    expect(rules.keepsAnOwner(['a'], 'a', null)).toBe(false);
    expect(rules.keepsAnOwner(['a', 'b'], 'a', null)).toBe(true);
    expect(rules.keepsAnOwner(['a'], 'b', null)).toBe(true);
  });
});
