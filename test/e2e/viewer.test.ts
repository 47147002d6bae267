// A viewer walks every screen of a workspace and finds only controls the policy table lets a viewer
// use: each assertion below asks the shared table (`allows`) what a viewer may do, the same question
// the web asks before showing a control.
import { allows } from '@tandem/protocol';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, signInUi, withWebServer } from '../support/browser.js';
import { addMember } from '../support/membership.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;

withWebServer((s, b) => {
  server = s;
  browser = b;
});

const shown = (page: Page, role: Parameters<Page['getByRole']>[0], name: string | RegExp) => page.getByRole(role, { name }).count();
const expected = (action: Parameters<typeof allows>[1]) => (allows('viewer', action) ? 1 : 0);

describe('a viewer', () => {
  it('sees no control they cannot use on any screen', async () => {
    const owner = await server.user('owner');
    const viewer = await server.user('viewer');
    const editor = await server.user('editor');
    const ws = await owner.workspaces.create({ name: 'Read only' });
    await addMember(owner, ws.id, viewer, 'viewer');
    await addMember(owner, ws.id, editor, 'editor');
    const project = await owner.tracking.projects.create(ws.id, { name: 'Roadmap', key: 'RDM' });
    const task = await owner.tracking.tasks.create(project.id, { title: 'Plan the launch' });
    const doc = await owner.documents.create(ws.id, { title: 'Handbook' });
    const gone = await owner.documents.create(ws.id, { title: 'Old notes' });
    await owner.documents.trash(gone.id);
    await owner.tracking.labels.create(ws.id, { name: 'bug' });

    const page = await openPage(browser, `${server.url}/w/${ws.id}`);
    await signInUi(page, viewer.email);

    // Projects
    await page.getByText('Roadmap').first().waitFor();
    expect(await page.getByLabel('Project name').count()).toBe(expected('project.create'));
    // Navigation: no settings for a viewer.
    expect(await shown(page, 'link', 'Settings')).toBe(expected('workspace.update'));
    // Document tree
    await page.getByRole('link', { name: 'Handbook' }).waitFor();
    expect(await shown(page, 'button', 'New document')).toBe(expected('document.create'));
    expect(await shown(page, 'button', 'Rename Handbook')).toBe(expected('document.update'));
    expect(await shown(page, 'button', 'Move Handbook to trash')).toBe(expected('document.trash'));
    expect(await shown(page, 'button', 'New page inside Handbook')).toBe(expected('document.create'));

    // Members
    await page.goto(`${server.url}/w/${ws.id}/members`);
    await page.getByText(editor.displayName).waitFor();
    expect(await shown(page, 'button', 'Invite people')).toBe(expected('workspace.members.manage'));
    expect(await page.getByLabel(`Role of ${editor.displayName}`).count()).toBe(expected('workspace.members.manage'));
    expect(await shown(page, 'button', 'Remove')).toBe(expected('workspace.members.manage'));

    // Labels
    await page.goto(`${server.url}/w/${ws.id}/labels`);
    await page.getByText('Editors and owners manage labels.').waitFor();
    expect(await page.getByLabel('Label name').count()).toBe(expected('label.manage'));

    // Trash
    await page.goto(`${server.url}/w/${ws.id}/trash`);
    await page.getByText('Old notes').waitFor();
    expect(await shown(page, 'button', 'Restore')).toBe(expected('document.trash'));

    // Settings, reached by URL: explained, nothing to press.
    await page.goto(`${server.url}/w/${ws.id}/settings`);
    await page.getByText('Only owners of Read only can change its settings.').waitFor();
    expect(await shown(page, 'button', /Rename|Delete/)).toBe(0);

    // Board and task
    await page.goto(`${server.url}/w/${ws.id}/p/${project.id}/t/${task.id}`);
    await page.getByText('You can view this task; editors can change it.').waitFor();
    expect(await page.getByLabel('New task title').count()).toBe(expected('task.create'));
    expect(await page.getByLabel('Assignee', { exact: true }).isDisabled()).toBe(!allows('viewer', 'task.update'));

    // Document
    await page.goto(`${server.url}/w/${ws.id}/d/${doc.id}`);
    await page.getByText('You can read this document; only editors can change it.').waitFor();
    await poll(() => page.getByRole('textbox', { name: /title/i }).first().getAttribute('readonly')).not.toBeNull();
    await screenshot(page, 'viewer-document');
    await page.context().close();
  });
});
