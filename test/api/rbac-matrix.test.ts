// Every route × {owner, editor, viewer, non-member, anonymous} from one table. The route list comes
// from the server's own OpenAPI document, so a new route without a row here fails this test.
import type { TandemClient } from '@tandem/client';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ImagePipeline } from '../../apps/server/src/core/files/image-pipeline.js';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';

type Who = 'owner' | 'editor' | 'viewer' | 'outsider' | 'anonymous';
const WHO: Who[] = ['anonymous', 'outsider', 'viewer', 'editor', 'owner'];

type Member = TandemClient & { userId: string; email: string };

/** A fresh workspace (owner, editor, viewer members) with one of everything, created by the owner. */
interface Fixture {
  workspaceId: string;
  users: Record<Exclude<Who, 'anonymous'>, Member>;
  /** A viewer member that rows may change or remove. */
  spare: Member;
  projectId: string;
  statusIds: string[];
  /** A status with no tasks (deletable without a target). */
  emptyStatusId: string;
  taskId: string;
  /** A comment written by the owner. */
  commentId: string;
  checklistItemId: string;
  sprintId: string;
  labelId: string;
  /** A notification of the owner's. */
  notificationId: string;
  /** A document with content, and one history version of it. */
  documentId: string;
  versionId: string;
  /** A template of the workspace (saved from the document). */
  templateId: string;
  /** A link invitation into the workspace (multi-use). */
  invitationId: string;
  invitationToken: string;
  /** An invitation of the owner's own, into someone else's workspace. */
  ownersInvitationId: string;
  /** An image the owner attached to the task (its thumbnail may still be in the making). */
  fileId: string;
}

interface Row {
  /** Path as in the OpenAPI document. */
  route: string;
  /** Concrete path and body for a fresh fixture. */
  request: (fx: Fixture) => { path: string; body?: unknown };
  /** Expected status per caller. */
  expect: Record<Who, number>;
  /** Extra setup by the owner on each fixture before the call. */
  prepare?: (fx: Fixture) => Promise<unknown>;
}

const readAll = { owner: 200, editor: 200, viewer: 200, outsider: 404, anonymous: 401 };
const members = (ok: number) => ({ owner: ok, editor: ok, viewer: ok, outsider: 404, anonymous: 401 });
const editors = (ok: number) => ({ owner: ok, editor: ok, viewer: 403, outsider: 404, anonymous: 401 });
const ownerOnly = (ok: number) => ({ owner: ok, editor: 403, viewer: 403, outsider: 404, anonymous: 401 });
const anyUser = (ok: number) => ({ owner: ok, editor: ok, viewer: ok, outsider: ok, anonymous: 401 });
/** Only the owner's own thing (e.g. their notification): everyone else is told it does not exist. */
const ownersOwn = (ok: number) => ({ owner: ok, editor: 404, viewer: 404, outsider: 404, anonymous: 401 });
let keys = 0;
const key = () => `MX${++keys}`;
/** Per fixture: a second login and an API token of the owner's (identity rows). */
const ownersLogin = new WeakMap<Fixture, string>();
const ownersToken = new WeakMap<Fixture, string>();

const table: Row[] = [
  { route: 'GET /api/v1/me', request: () => ({ path: '/api/v1/me' }), expect: anyUser(200) },
  { route: 'PATCH /api/v1/me', request: () => ({ path: '/api/v1/me', body: { displayName: 'Renamed' } }), expect: anyUser(200) },
  {
    route: 'POST /api/v1/auth/password',
    request: () => ({
      path: '/api/v1/auth/password',
      body: { currentPassword: 'correct horse battery', newPassword: 'correct horse battery' },
    }),
    expect: anyUser(204),
  },
  { route: 'POST /api/v1/auth/ws-ticket', request: () => ({ path: '/api/v1/auth/ws-ticket' }), expect: anyUser(200) },
  { route: 'POST /api/v1/auth/verify-email/resend', request: () => ({ path: '/api/v1/auth/verify-email/resend' }), expect: anyUser(202) },
  { route: 'POST /api/v1/workspaces', request: () => ({ path: '/api/v1/workspaces', body: { name: 'W' } }), expect: anyUser(201) },
  { route: 'GET /api/v1/workspaces', request: () => ({ path: '/api/v1/workspaces' }), expect: anyUser(200) },
  { route: 'GET /api/v1/workspaces/{id}', request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}` }), expect: readAll },
  {
    route: 'PATCH /api/v1/workspaces/{id}',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}`, body: { name: 'New name' } }),
    expect: ownerOnly(200),
  },
  { route: 'DELETE /api/v1/workspaces/{id}', request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}` }), expect: ownerOnly(204) },
  {
    route: 'GET /api/v1/workspaces/{id}/members',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/members` }),
    expect: readAll,
  },
  {
    route: 'POST /api/v1/workspaces/{id}/members',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/members`, body: { email: fx.users.outsider.email, role: 'viewer' } }),
    expect: ownerOnly(201),
  },
  {
    route: 'PATCH /api/v1/workspaces/{id}/members/{userId}',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/members/${fx.spare.userId}`, body: { role: 'editor' } }),
    expect: ownerOnly(200),
  },
  {
    route: 'DELETE /api/v1/workspaces/{id}/members/{userId}',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/members/${fx.spare.userId}` }),
    expect: ownerOnly(204),
  },

  // ---- projects and statuses
  {
    route: 'POST /api/v1/workspaces/{id}/projects',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/projects`, body: { name: 'New', key: key() } }),
    expect: ownerOnly(201),
  },
  {
    route: 'GET /api/v1/workspaces/{id}/projects',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/projects` }),
    expect: readAll,
  },
  { route: 'GET /api/v1/projects/{id}', request: (fx) => ({ path: `/api/v1/projects/${fx.projectId}` }), expect: readAll },
  {
    route: 'PATCH /api/v1/projects/{id}',
    request: (fx) => ({ path: `/api/v1/projects/${fx.projectId}`, body: { name: 'Renamed' } }),
    expect: ownerOnly(200),
  },
  { route: 'DELETE /api/v1/projects/{id}', request: (fx) => ({ path: `/api/v1/projects/${fx.projectId}` }), expect: ownerOnly(204) },
  { route: 'GET /api/v1/projects/{id}/members', request: (fx) => ({ path: `/api/v1/projects/${fx.projectId}/members` }), expect: readAll },
  {
    route: 'PUT /api/v1/projects/{id}/members/{userId}',
    request: (fx) => ({ path: `/api/v1/projects/${fx.projectId}/members/${fx.spare.userId}`, body: { role: 'editor' } }),
    expect: ownerOnly(200),
  },
  {
    route: 'DELETE /api/v1/projects/{id}/members/{userId}',
    request: (fx) => ({ path: `/api/v1/projects/${fx.projectId}/members/${fx.spare.userId}` }),
    expect: ownerOnly(204),
  },
  {
    route: 'GET /api/v1/projects/{id}/statuses',
    request: (fx) => ({ path: `/api/v1/projects/${fx.projectId}/statuses` }),
    expect: readAll,
  },
  {
    route: 'POST /api/v1/projects/{id}/statuses',
    request: (fx) => ({ path: `/api/v1/projects/${fx.projectId}/statuses`, body: { name: 'QA', category: 'in_progress' } }),
    expect: ownerOnly(201),
  },
  {
    route: 'PATCH /api/v1/statuses/{id}',
    request: (fx) => ({ path: `/api/v1/statuses/${fx.emptyStatusId}`, body: { name: 'Renamed' } }),
    expect: ownerOnly(200),
  },
  { route: 'DELETE /api/v1/statuses/{id}', request: (fx) => ({ path: `/api/v1/statuses/${fx.emptyStatusId}` }), expect: ownerOnly(204) },
  {
    route: 'GET /api/v1/projects/{id}/activity',
    request: (fx) => ({ path: `/api/v1/projects/${fx.projectId}/activity` }),
    expect: readAll,
  },
  // ---- tasks
  {
    route: 'POST /api/v1/projects/{id}/tasks',
    request: (fx) => ({ path: `/api/v1/projects/${fx.projectId}/tasks`, body: { title: 'New task' } }),
    expect: editors(201),
  },
  { route: 'GET /api/v1/projects/{id}/tasks', request: (fx) => ({ path: `/api/v1/projects/${fx.projectId}/tasks` }), expect: readAll },
  { route: 'GET /api/v1/tasks/{id}', request: (fx) => ({ path: `/api/v1/tasks/${fx.taskId}` }), expect: readAll },
  {
    route: 'PATCH /api/v1/tasks/{id}',
    request: (fx) => ({ path: `/api/v1/tasks/${fx.taskId}`, body: { title: 'Changed' } }),
    expect: editors(200),
  },
  { route: 'DELETE /api/v1/tasks/{id}', request: (fx) => ({ path: `/api/v1/tasks/${fx.taskId}` }), expect: editors(204) },
  {
    route: 'POST /api/v1/tasks/{id}/move',
    request: (fx) => ({ path: `/api/v1/tasks/${fx.taskId}/move`, body: { status: fx.statusIds[1] } }),
    expect: editors(200),
  },
  { route: 'PUT /api/v1/tasks/{id}/watch', request: (fx) => ({ path: `/api/v1/tasks/${fx.taskId}/watch` }), expect: members(200) },
  { route: 'DELETE /api/v1/tasks/{id}/watch', request: (fx) => ({ path: `/api/v1/tasks/${fx.taskId}/watch` }), expect: members(200) },
  { route: 'GET /api/v1/tasks/{id}/activity', request: (fx) => ({ path: `/api/v1/tasks/${fx.taskId}/activity` }), expect: readAll },
  // ---- sprints
  { route: 'GET /api/v1/projects/{id}/sprints', request: (fx) => ({ path: `/api/v1/projects/${fx.projectId}/sprints` }), expect: readAll },
  {
    route: 'POST /api/v1/projects/{id}/sprints',
    request: (fx) => ({ path: `/api/v1/projects/${fx.projectId}/sprints`, body: { name: 'Sprint 9' } }),
    expect: editors(201),
  },
  { route: 'GET /api/v1/sprints/{id}', request: (fx) => ({ path: `/api/v1/sprints/${fx.sprintId}` }), expect: readAll },
  {
    route: 'PATCH /api/v1/sprints/{id}',
    request: (fx) => ({ path: `/api/v1/sprints/${fx.sprintId}`, body: { goal: 'Ship' } }),
    expect: editors(200),
  },
  { route: 'DELETE /api/v1/sprints/{id}', request: (fx) => ({ path: `/api/v1/sprints/${fx.sprintId}` }), expect: editors(204) },
  { route: 'POST /api/v1/sprints/{id}/start', request: (fx) => ({ path: `/api/v1/sprints/${fx.sprintId}/start` }), expect: editors(200) },
  {
    route: 'POST /api/v1/sprints/{id}/complete',
    prepare: (fx) => fx.users.owner.tracking.sprints.start(fx.sprintId),
    request: (fx) => ({ path: `/api/v1/sprints/${fx.sprintId}/complete`, body: {} }),
    expect: editors(200),
  },
  // ---- comments and checklists
  { route: 'GET /api/v1/tasks/{id}/comments', request: (fx) => ({ path: `/api/v1/tasks/${fx.taskId}/comments` }), expect: readAll },
  {
    route: 'POST /api/v1/tasks/{id}/comments',
    request: (fx) => ({ path: `/api/v1/tasks/${fx.taskId}/comments`, body: { body: 'Looks good' } }),
    expect: editors(201),
  },
  {
    route: 'PATCH /api/v1/comments/{id}',
    request: (fx) => ({ path: `/api/v1/comments/${fx.commentId}`, body: { body: 'Edited' } }),
    expect: ownerOnly(200),
  },
  { route: 'DELETE /api/v1/comments/{id}', request: (fx) => ({ path: `/api/v1/comments/${fx.commentId}` }), expect: ownerOnly(204) },
  { route: 'GET /api/v1/tasks/{id}/checklist', request: (fx) => ({ path: `/api/v1/tasks/${fx.taskId}/checklist` }), expect: readAll },
  {
    route: 'POST /api/v1/tasks/{id}/checklist',
    request: (fx) => ({ path: `/api/v1/tasks/${fx.taskId}/checklist`, body: { text: 'Step' } }),
    expect: editors(201),
  },
  {
    route: 'PATCH /api/v1/checklist/{itemId}',
    request: (fx) => ({ path: `/api/v1/checklist/${fx.checklistItemId}`, body: { done: true } }),
    expect: editors(200),
  },
  {
    route: 'DELETE /api/v1/checklist/{itemId}',
    request: (fx) => ({ path: `/api/v1/checklist/${fx.checklistItemId}` }),
    expect: editors(204),
  },
  {
    route: 'POST /api/v1/checklist/{itemId}/move',
    request: (fx) => ({ path: `/api/v1/checklist/${fx.checklistItemId}/move`, body: {} }),
    expect: editors(200),
  },
  // ---- labels
  {
    route: 'GET /api/v1/workspaces/{id}/labels',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/labels` }),
    expect: readAll,
  },
  {
    route: 'POST /api/v1/workspaces/{id}/labels',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/labels`, body: { name: 'urgent' } }),
    expect: editors(201),
  },
  {
    route: 'PATCH /api/v1/labels/{id}',
    request: (fx) => ({ path: `/api/v1/labels/${fx.labelId}`, body: { color: '#ff0000' } }),
    expect: editors(200),
  },
  { route: 'DELETE /api/v1/labels/{id}', request: (fx) => ({ path: `/api/v1/labels/${fx.labelId}` }), expect: editors(204) },
  // ---- documents
  {
    route: 'POST /api/v1/workspaces/{wid}/documents',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/documents`, body: { title: 'Notes' } }),
    expect: editors(201),
  },
  {
    route: 'POST /api/v1/workspaces/{wid}/documents/import',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/documents/import`, body: { title: 'Imported', markdown: '# Hello' } }),
    expect: editors(201),
  },
  {
    route: 'GET /api/v1/workspaces/{wid}/documents',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/documents` }),
    expect: readAll,
  },
  {
    route: 'POST /api/v1/workspaces/{wid}/documents',
    request: (fx) => ({
      path: `/api/v1/workspaces/${fx.workspaceId}/documents`,
      body: { title: 'From template', templateId: fx.templateId },
    }),
    expect: editors(201),
  },
  { route: 'GET /api/v1/documents/{id}/export', request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/export` }), expect: readAll },
  // templates (#17): members list them, editors save and delete them
  {
    route: 'POST /api/v1/workspaces/{wid}/templates',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/templates`, body: { documentId: fx.documentId, title: 'Meeting' } }),
    expect: editors(201),
  },
  {
    route: 'GET /api/v1/workspaces/{wid}/templates',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/templates` }),
    expect: readAll,
  },
  { route: 'DELETE /api/v1/templates/{id}', request: (fx) => ({ path: `/api/v1/templates/${fx.templateId}` }), expect: editors(204) },
  { route: 'GET /api/v1/documents/{id}', request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}` }), expect: readAll },
  {
    route: 'PATCH /api/v1/documents/{id}',
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}`, body: { title: 'Renamed' } }),
    expect: editors(200),
  },
  { route: 'DELETE /api/v1/documents/{id}', request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}` }), expect: editors(204) },
  {
    route: 'DELETE /api/v1/documents/{id}',
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}?permanent=true` }),
    expect: ownerOnly(204),
  },
  {
    route: 'POST /api/v1/documents/{id}/restore',
    prepare: (fx) => fx.users.owner.documents.trash(fx.documentId),
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/restore` }),
    expect: editors(201),
  },
  {
    route: 'POST /api/v1/documents/{id}/move',
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/move`, body: { parentId: null } }),
    expect: editors(201),
  },
  {
    route: 'GET /api/v1/documents/{id}/content',
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/content?format=markdown` }),
    expect: readAll,
  },
  {
    route: 'GET /api/v1/documents/{id}/history',
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/history` }),
    expect: readAll,
  },
  {
    route: 'GET /api/v1/documents/{id}/history/{versionId}/content',
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/history/${fx.versionId}/content?format=text` }),
    expect: readAll,
  },
  {
    route: 'POST /api/v1/documents/{id}/history/{versionId}/restore',
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/history/${fx.versionId}/restore` }),
    expect: editors(201),
  },
  // The caller's own "shared with me" list: anyone signed in.
  { route: 'GET /api/v1/documents/shared', request: () => ({ path: '/api/v1/documents/shared' }), expect: anyUser(200) },
  // Who else can see a document is for its owners to know.
  {
    route: 'GET /api/v1/documents/{id}/shares',
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/shares` }),
    expect: ownerOnly(200),
  },
  {
    route: 'PUT /api/v1/documents/{id}/shares/{userId}',
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/shares/${fx.spare.userId}`, body: { role: 'editor' } }),
    expect: ownerOnly(200),
  },
  {
    route: 'DELETE /api/v1/documents/{id}/shares/{userId}',
    prepare: (fx) => fx.users.owner.documents.share(fx.documentId, fx.spare.userId, 'editor'),
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/shares/${fx.spare.userId}` }),
    expect: ownerOnly(204),
  },
  // ---- files
  {
    route: 'POST /api/v1/files',
    request: (fx) => ({ path: '/api/v1/files', body: uploadForm({ taskId: fx.taskId }) }),
    expect: editors(201),
  },
  { route: 'GET /api/v1/files/{id}', request: (fx) => ({ path: `/api/v1/files/${fx.fileId}` }), expect: readAll },
  {
    route: 'GET /api/v1/files/{id}/thumbnail',
    prepare: () => server.app.get(ImagePipeline).idle(),
    request: (fx) => ({ path: `/api/v1/files/${fx.fileId}/thumbnail` }),
    expect: readAll,
  },
  { route: 'DELETE /api/v1/files/{id}', request: (fx) => ({ path: `/api/v1/files/${fx.fileId}` }), expect: editors(204) },
  { route: 'GET /api/v1/tasks/{id}/files', request: (fx) => ({ path: `/api/v1/tasks/${fx.taskId}/files` }), expect: readAll },
  { route: 'GET /api/v1/documents/{id}/files', request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/files` }), expect: readAll },
  { route: 'GET /api/v1/projects/{id}/covers', request: (fx) => ({ path: `/api/v1/projects/${fx.projectId}/covers` }), expect: readAll },
  {
    route: 'GET /api/v1/workspaces/{id}/storage',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/storage` }),
    expect: readAll,
  },
  // ---- knowledge base: share by email, comment threads on the text (readers read, editors comment)
  {
    route: 'POST /api/v1/documents/{id}/shares',
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/shares`, body: { email: fx.spare.email, role: 'editor' } }),
    expect: ownerOnly(201),
  },
  {
    route: 'GET /api/v1/documents/{id}/threads',
    prepare: startThread,
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/threads` }),
    expect: readAll,
  },
  {
    route: 'POST /api/v1/documents/{id}/threads',
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/threads`, body: { anchor: anchorAt(0, 3), quote: 'Wel', body: 'Why?' } }),
    expect: editors(201),
  },
  {
    route: 'POST /api/v1/document-threads/{id}/replies',
    prepare: startThread,
    request: (fx) => ({ path: `/api/v1/document-threads/${threadOf.get(fx)}/replies`, body: { body: 'Because.' } }),
    expect: editors(201),
  },
  {
    route: 'POST /api/v1/document-threads/{id}/resolve',
    prepare: startThread,
    request: (fx) => ({ path: `/api/v1/document-threads/${threadOf.get(fx)}/resolve` }),
    expect: editors(200),
  },
  {
    route: 'POST /api/v1/document-threads/{id}/reopen',
    prepare: startThread,
    request: (fx) => ({ path: `/api/v1/document-threads/${threadOf.get(fx)}/reopen` }),
    expect: editors(200),
  },
  // ---- notifications (always the caller's own inbox)
  { route: 'GET /api/v1/notifications', request: () => ({ path: '/api/v1/notifications?unread=true' }), expect: anyUser(200) },
  {
    route: 'GET /api/v1/notifications/unread-count',
    request: () => ({ path: '/api/v1/notifications/unread-count' }),
    expect: anyUser(200),
  },
  { route: 'POST /api/v1/notifications/read-all', request: () => ({ path: '/api/v1/notifications/read-all' }), expect: anyUser(200) },
  {
    route: 'POST /api/v1/notifications/{id}/read',
    request: (fx) => ({ path: `/api/v1/notifications/${fx.notificationId}/read` }),
    expect: ownersOwn(200),
  },
  // search (#12)
  { route: 'GET /api/v1/search', request: (fx) => ({ path: `/api/v1/search?workspaceId=${fx.workspaceId}&q=task` }), expect: members(200) },
  {
    route: 'GET /api/v1/documents/{id}/backlinks',
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/backlinks` }),
    expect: readAll,
  },
  { route: 'GET /api/v1/tasks/{id}/backlinks', request: (fx) => ({ path: `/api/v1/tasks/${fx.taskId}/backlinks` }), expect: readAll },

  // ---- invitations
  {
    route: 'POST /api/v1/workspaces/{id}/invitations',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/invitations`, body: { role: 'viewer', maxUses: 3 } }),
    expect: ownerOnly(201),
  },
  {
    route: 'GET /api/v1/workspaces/{id}/invitations',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/invitations` }),
    expect: ownerOnly(200),
  },
  {
    route: 'DELETE /api/v1/invitations/{id}',
    request: (fx) => ({ path: `/api/v1/invitations/${fx.invitationId}` }),
    expect: ownerOnly(204),
  },
  // Holding the link is what lets one in; members already in keep their role.
  {
    route: 'POST /api/v1/invitations/{token}/accept',
    request: (fx) => ({ path: `/api/v1/invitations/${fx.invitationToken}/accept` }),
    expect: anyUser(200),
  },
  { route: 'GET /api/v1/me/invitations', request: () => ({ path: '/api/v1/me/invitations' }), expect: anyUser(200) },
  {
    route: 'POST /api/v1/me/invitations/{id}/accept',
    request: (fx) => ({ path: `/api/v1/me/invitations/${fx.ownersInvitationId}/accept` }),
    expect: ownersOwn(200),
  },
  {
    route: 'DELETE /api/v1/me/invitations/{id}',
    request: (fx) => ({ path: `/api/v1/me/invitations/${fx.ownersInvitationId}` }),
    expect: ownersOwn(204),
  },

  // ---- identity: the caller's own logins and API tokens (anyone signed in; someone else's → 404)
  { route: 'GET /api/v1/me/sessions', request: () => ({ path: '/api/v1/me/sessions' }), expect: anyUser(200) },
  { route: 'DELETE /api/v1/me/sessions', request: () => ({ path: '/api/v1/me/sessions' }), expect: anyUser(204) },
  {
    route: 'DELETE /api/v1/me/sessions/{id}',
    prepare: async (fx) => {
      const login = await server.client().auth.login({ email: fx.users.owner.email, password: 'correct horse battery' });
      const claims = JSON.parse(Buffer.from(login.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string };
      ownersLogin.set(fx, claims.sid);
    },
    request: (fx) => ({ path: `/api/v1/me/sessions/${ownersLogin.get(fx)}` }),
    expect: ownersOwn(204),
  },
  {
    route: 'POST /api/v1/me/tokens',
    request: () => ({ path: '/api/v1/me/tokens', body: { name: 'script', scope: 'read' } }),
    expect: anyUser(201),
  },
  { route: 'GET /api/v1/me/tokens', request: () => ({ path: '/api/v1/me/tokens' }), expect: anyUser(200) },
  {
    route: 'DELETE /api/v1/me/tokens/{id}',
    prepare: async (fx) => ownersToken.set(fx, (await fx.users.owner.identity.tokens.create({ name: 'matrix', scope: 'write' })).id),
    request: (fx) => ({ path: `/api/v1/me/tokens/${ownersToken.get(fx)}` }),
    expect: ownersOwn(204),
  },
  // ---- webhooks (workspace owners). A public address literal: it is not resolved when saved.
  {
    route: 'POST /api/v1/workspaces/{id}/webhooks',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/webhooks`, body: { url: PUBLIC_HOOK, events: ['*'] } }),
    expect: ownerOnly(201),
  },
  {
    route: 'GET /api/v1/workspaces/{id}/webhooks',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/webhooks` }),
    expect: ownerOnly(200),
  },
  {
    route: 'DELETE /api/v1/webhooks/{id}',
    prepare: (fx) => withWebhook(fx),
    request: (fx) => ({ path: `/api/v1/webhooks/${webhookOf.get(fx)!.id}` }),
    expect: ownerOnly(204),
  },
  {
    route: 'GET /api/v1/webhooks/{id}/deliveries',
    prepare: (fx) => withWebhook(fx),
    request: (fx) => ({ path: `/api/v1/webhooks/${webhookOf.get(fx)!.id}/deliveries` }),
    expect: ownerOnly(200),
  },
  {
    route: 'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
    prepare: (fx) => withWebhook(fx),
    request: (fx) => ({ path: `/api/v1/webhooks/${webhookOf.get(fx)!.id}/deliveries/${webhookOf.get(fx)!.deliveryId}/redeliver` }),
    expect: ownerOnly(202),
  },
  // ---- the audit log (workspace owners) and the caller's own sign-in history
  {
    route: 'GET /api/v1/workspaces/{id}/audit',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/audit?limit=5&action=member.added` }),
    expect: ownerOnly(200),
  },
  {
    route: 'GET /api/v1/workspaces/{id}/audit.csv',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/audit.csv` }),
    expect: ownerOnly(200),
  },
  { route: 'GET /api/v1/me/sign-ins', request: () => ({ path: '/api/v1/me/sign-ins?limit=5' }), expect: anyUser(200) },
  // "Save version" with a name: editors, like every other change to a document.
  {
    route: 'POST /api/v1/documents/{id}/history',
    request: (fx) => ({ path: `/api/v1/documents/${fx.documentId}/history`, body: { name: 'Before the rewrite' } }),
    expect: editors(201),
  },
];

const PUBLIC_HOOK = 'http://192.0.43.10/hook';
const webhookOf = new WeakMap<Fixture, { id: string; deliveryId: string }>();
/** A webhook of the fixture's workspace with one failed delivery. */
async function withWebhook(fx: Fixture) {
  const hook = await fx.users.owner.identity.webhooks.create(fx.workspaceId, { url: PUBLIC_HOOK, events: ['sprint.deleted'] });
  const delivery = await server.db.prisma.webhookDelivery.create({
    data: { id: crypto.randomUUID(), webhookId: hook.id, event: 'sprint.deleted', payload: {}, status: 'failed', attempts: 3 },
  });
  webhookOf.set(fx, { id: hook.id, deliveryId: delivery.id });
}

/** Public routes: reachable without a token by design (each is tested on its own elsewhere). */
const publicRoutes = new Set([
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/password-reset/request',
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/auth/verify-email',
  'GET /api/v1/auth/signup',
  'GET /api/v1/invitations/{token}',
  // desktop (#13): apps/desktop/test/connection-check.test.ts
  'GET /api/v1/server-info',
  'GET /api/v1/auth/providers',
  // Single sign-on (browser redirects and the one-time code): test/identity/oidc.test.ts
  'GET /api/v1/auth/oidc/start',
  'GET /api/v1/auth/oidc/callback',
  'POST /api/v1/auth/oidc/exchange',
]);

let server: TestServer;
let users: Fixture['users'];
/** A small PNG for the files rows (multipart bodies are built fresh for each call). */
let fixturePng: Buffer;
const uploadForm = (target: { taskId: string }) => {
  const form = new FormData();
  form.append('taskId', target.taskId);
  form.append('file', new Blob([fixturePng]), 'upload.png');
  return form;
};

beforeAll(async () => {
  fixturePng = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
  // The raw calls below use each user's first access token; on a busy machine the whole table can
  // outlast the default 15-minute token life, so the tokens here live for two hours.
  server = await startTestServer({ RATE_LIMIT_PER_MINUTE: '100000', ACCESS_TOKEN_TTL_SECONDS: '7200' });
  users = {
    owner: await server.user('owner'),
    editor: await server.user('editor'),
    viewer: await server.user('viewer'),
    outsider: await server.user('outsider'),
  };
});
afterAll(() => server?.close());

// Comment threads (rows above): a thread the owner started on each fixture's document.
const threadOf = new WeakMap<Fixture, string>();
function anchorAt(start: number, end: number) {
  const type = new Y.Doc().getXmlFragment('default');
  const encode = (i: number) => Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(type, i))).toString('base64');
  return { start: encode(start), end: encode(end) };
}
async function startThread(fx: Fixture) {
  const thread = await fx.users.owner.documentThreads.create(fx.documentId, { anchor: anchorAt(0, 3), quote: 'Wel', body: 'Why?' });
  threadOf.set(fx, thread.id);
}

async function fixture(): Promise<Fixture> {
  const owner = users.owner;
  const ws = await owner.workspaces.create({ name: 'Matrix' });
  const spare = await server.user('spare');
  await addMember(owner, ws.id, users.editor, 'editor');
  await addMember(owner, ws.id, users.viewer, 'viewer');
  await addMember(owner, ws.id, spare, 'viewer');
  const project = await owner.tracking.projects.create(ws.id, { name: 'Matrix', key: key() });
  const statuses = (await owner.tracking.statuses.list(project.id)).items;
  const emptyStatus = await owner.tracking.statuses.create(project.id, { name: 'Empty', category: 'todo' });
  const task = await owner.tracking.tasks.create(project.id, { title: 'Target' });
  const comment = await owner.tracking.comments.create(task.id, { body: 'By the owner' });
  const item = await owner.tracking.checklist.add(task.id, { text: 'Item' });
  const sprint = await owner.tracking.sprints.create(project.id, { name: 'Sprint 1' });
  await owner.tracking.projects.setMember(project.id, spare.userId, { role: 'editor' });
  const label = await owner.tracking.labels.create(ws.id, { name: 'bug' });
  const notification = await server.db.prisma.notification.create({
    data: { userId: owner.userId, workspaceId: ws.id, type: 'mentioned' },
  });
  const doc = await owner.documents.importMarkdown(ws.id, { title: 'Handbook', markdown: '# Handbook\n\nWelcome.' });
  const state = Buffer.from(Y.encodeStateAsUpdate(new Y.Doc()));
  const version = await server.db.prisma.documentVersion.create({
    data: { documentId: doc.id, state, size: state.length, reason: 'manual' },
  });
  const template = await owner.documents.templates.save(ws.id, { documentId: doc.id });
  const link = await owner.invitations.create(ws.id, { role: 'viewer', maxUses: 10 });
  const elsewhere = await spare.workspaces.create({ name: 'Elsewhere' });
  const forOwner = await spare.workspaces.addMember(elsewhere.id, { email: owner.email, role: 'editor' });
  return {
    workspaceId: ws.id,
    users,
    spare,
    projectId: project.id,
    statusIds: statuses.map((st) => st.id),
    emptyStatusId: emptyStatus.id,
    taskId: task.id,
    commentId: comment.id,
    checklistItemId: item.id,
    sprintId: sprint.id,
    labelId: label.id,
    notificationId: notification.id,
    documentId: doc.id,
    versionId: version.id,
    templateId: template.id,
    invitationId: link.id,
    invitationToken: link.token,
    ownersInvitationId: forOwner.id,
    fileId: (await owner.files.upload({ taskId: task.id }, new Blob([fixturePng]), { name: 'cover.png' })).id,
  };
}

async function call(who: Who, method: string, path: string, body: unknown): Promise<number> {
  const headers: Record<string, string> = {};
  const form = body instanceof FormData;
  if (body !== undefined && !form) headers['content-type'] = 'application/json';
  if (who !== 'anonymous') headers.authorization = `Bearer ${users[who].accessToken}`;
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : form ? body : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('RBAC matrix', () => {
  it('has a row for every authenticated route of the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const covered = new Set(table.map((r) => r.route));
    const missing = routes.filter((r) => !covered.has(r) && !publicRoutes.has(r));
    expect(missing).toEqual([]);
  });

  for (const row of table) {
    it(`${row.route}: ${WHO.map((w) => `${w} ${row.expect[w]}`).join(', ')}`, async () => {
      const [method] = row.route.split(' ');
      const got: Record<string, number> = {};
      // Least privileged first. Callers expected to be refused share one fixture (a wrong success shows in
      // their own status); each caller expected to succeed gets a fresh one so nobody's success changes
      // another's answer.
      let shared: Fixture | null = null;
      for (const who of WHO) {
        const succeeds = row.expect[who] < 300;
        let fx = shared;
        if (succeeds || !fx) {
          fx = await fixture();
          await row.prepare?.(fx);
          if (!succeeds) shared = fx;
        }
        const { path, body } = row.request(fx);
        got[who] = await call(who, method!, path, body);
      }
      expect(got, `got ${JSON.stringify(got)}`).toEqual(row.expect);
    });
  }
});
