// Sets up what a Tandem benchmark needs through the public API, as real clients would: users who
// register, an owner's workspace, members with a role, documents. Returns their access tokens.
import { randomBytes } from 'node:crypto';
import { TandemClient } from '@tandem/client';

async function inBatches(n, size, fn) {
  const out = [];
  for (let i = 0; i < n; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => fn(i + j)))));
  return out;
}

export async function registerUser(baseUrl, label) {
  const client = new TandemClient(baseUrl);
  const email = `${label}.${randomBytes(4).toString('hex')}@bench.test`;
  const res = await client.auth.register({ email, password: 'bench password 123', displayName: label });
  return { client, email, userId: res.user.id, token: res.accessToken };
}

/** An owner with a workspace and `members` more users holding `role` in it. */
export async function createWorkspaceWithMembers(baseUrl, members, role = 'editor') {
  const owner = await registerUser(baseUrl, 'owner');
  const workspace = await owner.client.workspaces.create({ name: `bench ${new Date().toISOString()}` });
  const users = await inBatches(members, 20, async (i) => {
    const u = await registerUser(baseUrl, `member${i}`);
    const invitation = await owner.client.workspaces.addMember(workspace.id, { email: u.email, role });
    await u.client.invitations.accept(invitation.token);
    return u;
  });
  return { owner, workspaceId: workspace.id, users };
}

export async function createDocument(owner, workspaceId, title = 'Bench document') {
  const doc = await owner.client.http.request('POST', `/api/v1/workspaces/${workspaceId}/documents`, { body: { title } });
  return doc.id;
}
