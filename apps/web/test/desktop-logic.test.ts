import { describe, expect, it } from 'vitest';
import { osNotification } from '../src/features/desktop/os-notification.js';

describe('desktop OS notifications', () => {
  const base = { id: 'n1', createdAt: '2026-11-28T20:00:00Z', readAt: null, workspaceId: 'w1', taskId: 't1' };

  it('turns mentions and assignments into a notification whose click opens the task', () => {
    expect(osNotification({ ...base, type: 'mentioned', data: { actorName: 'Ana', taskKey: 'WEB-7', title: 'Fix login' } })).toEqual({
      title: 'Ana mentioned you',
      body: 'WEB-7 Fix login',
      path: '/w/w1/t/t1',
    });
    expect(osNotification({ ...base, type: 'assigned', data: {} })).toEqual({
      title: 'Someone assigned you a task',
      body: 'a task',
      path: '/w/w1/t/t1',
    });
  });

  it('leaves other kinds, and notifications without a task, to the inbox', () => {
    expect(osNotification({ ...base, type: 'commented' })).toBeNull();
    expect(osNotification({ ...base, type: 'mentioned', taskId: null })).toBeNull();
    expect(osNotification(null)).toBeNull();
  });
});
