// The client app's URLs, in one place: the web router parses them, links and notifications build
// them, and the desktop app accepts deep links only to these. Free of runtime dependencies, so
// clients import it as `@tandem/protocol/app-routes` without pulling in the request schemas.
export type Route =
  | { name: 'home' }
  | { name: 'workspace'; wid: string }
  | { name: 'members'; wid: string }
  | { name: 'inbox'; wid: string }
  | { name: 'labels'; wid: string }
  | { name: 'settings'; wid: string }
  | { name: 'board'; wid: string; pid: string; tid?: string }
  | { name: 'backlog'; wid: string; pid: string; tid?: string }
  | { name: 'projectSettings'; wid: string; pid: string }
  | { name: 'task'; wid: string; tid: string }
  | { name: 'doc'; wid: string; did: string }
  | { name: 'trash'; wid: string }
  | { name: 'search'; wid: string }
  | { name: 'profile' }
  | { name: 'account' }
  | { name: 'invite'; token: string }
  | { name: 'webhooks'; wid: string }
  | { name: 'audit'; wid: string }
  | { name: 'notFound' };

const WORKSPACE_PAGES = ['members', 'inbox', 'trash', 'labels', 'settings', 'search'] as const;

export function parseRoute(path: string): Route {
  const p = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (p.length === 0) return { name: 'home' };
  if (p[0] === 'profile' && p.length === 1) return { name: 'profile' };
  if (p[0] === 'account' && p.length === 1) return { name: 'account' };
  if (p[0] === 'invite' && p[1] && p.length === 2) return { name: 'invite', token: p[1] };
  if (p[0] !== 'w' || !p[1]) return { name: 'notFound' };
  const wid = p[1];
  if (p.length === 2) return { name: 'workspace', wid };
  const page = WORKSPACE_PAGES.find((name) => name === p[2]);
  if (p.length === 3 && page) return { name: page, wid };
  if (p.length === 4 && p[2] === 'settings' && p[3] === 'webhooks') return { name: 'webhooks', wid };
  if (p.length === 4 && p[2] === 'settings' && p[3] === 'audit') return { name: 'audit', wid };
  if (p[2] === 'p' && p[3] && p.length === 4) return { name: 'board', wid, pid: p[3] };
  if (p[2] === 'p' && p[3] && p[4] === 't' && p[5] && p.length === 6) return { name: 'board', wid, pid: p[3], tid: p[5] };
  if (p[2] === 'p' && p[3] && p[4] === 'backlog' && p.length === 5) return { name: 'backlog', wid, pid: p[3] };
  if (p[2] === 'p' && p[3] && p[4] === 'backlog' && p[5] === 't' && p[6] && p.length === 7)
    return { name: 'backlog', wid, pid: p[3], tid: p[6] };
  if (p[2] === 'p' && p[3] && p[4] === 'settings' && p.length === 5) return { name: 'projectSettings', wid, pid: p[3] };
  if (p[2] === 'd' && p[3] && p.length === 4) return { name: 'doc', wid, did: p[3] };
  if (p[2] === 't' && p[3] && p.length === 4) return { name: 'task', wid, tid: p[3] };
  return { name: 'notFound' };
}

export const paths = {
  workspace: (wid: string) => `/w/${wid}`,
  members: (wid: string) => `/w/${wid}/members`,
  inbox: (wid: string) => `/w/${wid}/inbox`,
  trash: (wid: string) => `/w/${wid}/trash`,
  labels: (wid: string) => `/w/${wid}/labels`,
  settings: (wid: string) => `/w/${wid}/settings`,
  backlog: (wid: string, pid: string) => `/w/${wid}/p/${pid}/backlog`,
  backlogTask: (wid: string, pid: string, tid: string) => `/w/${wid}/p/${pid}/backlog/t/${tid}`,
  projectSettings: (wid: string, pid: string) => `/w/${wid}/p/${pid}/settings`,
  board: (wid: string, pid: string) => `/w/${wid}/p/${pid}`,
  task: (wid: string, pid: string, tid: string) => `/w/${wid}/p/${pid}/t/${tid}`,
  /** A task by id alone (notifications, deep links): resolves its project, then opens it on its board. */
  taskById: (wid: string, tid: string) => `/w/${wid}/t/${tid}`,
  doc: (wid: string, did: string) => `/w/${wid}/d/${did}`,
  /** Full search results; `q` prefilled. */
  search: (wid: string, q = '') => `/w/${wid}/search${q ? `?q=${encodeURIComponent(q)}` : ''}`,
  profile: () => '/profile',
  account: () => '/account',
  invite: (token: string) => `/invite/${encodeURIComponent(token)}`,
  webhooks: (wid: string) => `/w/${wid}/settings/webhooks`,
  /** The workspace audit log (owners). */
  audit: (wid: string) => `/w/${wid}/settings/audit`,
};

/** The app's route table: parse a path, build one, or ask whether a path is a screen of the app. */
export const appRoutes = {
  parse: parseRoute,
  paths,
  /** True when `path` opens a screen of the app (deep links accept only these). */
  isAppPath: (path: string) => path === '/' || parseRoute(path).name !== 'notFound',
};
