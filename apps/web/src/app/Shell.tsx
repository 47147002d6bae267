// The signed-in app: sidebar (workspace, navigation, documents), top bar (presence, connection,
// account) and the current screen.
import { allows } from '@tandem/protocol/policy';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useMe, useNotifications, useWorkspaces } from '../api/queries.js';
import { api } from '../api/tandem.js';
import { AccountPage } from '../features/account/AccountPage.js';
import { UnverifiedBanner } from '../features/account/UnverifiedBanner.js';
import { AuditPage } from '../features/audit/AuditPage.js';
import { BacklogPage } from '../features/board/BacklogPage.js';
import { BoardPage } from '../features/board/BoardPage.js';
import { HostButton } from '../features/desktop/DesktopExtras.js';
import { DocTree } from '../features/docs/DocTree.js';
import { SharedList } from '../features/docs/SharedList.js';
import { TrashPage } from '../features/docs/TrashPage.js';
import { LabelsPage } from '../features/labels/LabelsPage.js';
import { InboxPage, SharedInbox } from '../features/notifications/InboxPage.js';
import { MyInvitations } from '../features/onboarding/PendingInvitations.js';
import { ProfilePage } from '../features/onboarding/ProfilePage.js';
import { ProjectSettingsPage } from '../features/projects/ProjectSettingsPage.js';
import { ProjectsPage } from '../features/projects/ProjectsPage.js';
import { SearchPage } from '../features/search/SearchPage.js';
import { openSearchPalette, SearchPalette } from '../features/search/SearchPalette.js';
import { TaskLink } from '../features/tasks/TaskLink.js';
import { WebhooksPage } from '../features/webhooks/WebhooksPage.js';
import { MembersPage } from '../features/workspaces/MembersPage.js';
import { WorkspaceSettingsPage } from '../features/workspaces/WorkspaceSettingsPage.js';
import { CreateWorkspaceForm, WorkspaceSwitcher } from '../features/workspaces/WorkspaceSwitcher.js';
import { useLiveCache, useRoom } from '../realtime/live.js';
import { Avatar } from '../ui/Avatar.js';
import { ConnectionIndicator } from '../ui/ConnectionIndicator.js';
import { LiveBlockedBanner } from '../ui/LiveBlockedBanner.js';
import { Link, navigate, parseRoute, paths, type Route, usePath } from './router.js';
import { SHORTCUTS, useShortcuts } from './shortcuts.js';

// The editor (TipTap, Yjs) loads only when a document is opened.
const DocPage = lazy(() => import('../features/docs/DocPage.js'));

const LAST_WORKSPACE = 'tandem.lastWorkspace';

export function Shell() {
  useLiveCache();
  const route = parseRoute(usePath());
  const { data: me } = useMe();
  const { data: workspaces, isPending } = useWorkspaces();
  const wid = 'wid' in route ? route.wid : null;
  // A document shared with me may live in a workspace I am not a member of: no workspace sidebar then.
  const member = wid && (!workspaces || workspaces.some((w) => w.id === wid)) ? wid : null;
  const [help, setHelp] = useState(false);
  useShortcuts(
    wid,
    useCallback(() => setHelp((h) => !h), []),
  );
  useRoom(me ? `user:${me.id}` : null);
  useRoom(member ? `workspace:${member}` : null);

  useEffect(() => {
    if (member) localStorage.setItem(LAST_WORKSPACE, member);
  }, [member]);

  useEffect(() => {
    if (route.name !== 'home' || !workspaces?.length) return;
    const last = localStorage.getItem(LAST_WORKSPACE);
    const target = workspaces.find((w) => w.id === last) ?? workspaces[0]!;
    navigate(paths.workspace(target.id), { replace: true });
  }, [route.name, workspaces]);

  if ((route.name === 'home' || route.name === 'profile') && !isPending && workspaces?.length === 0) {
    return (
      <div className="onboarding">
        <TopBar />
        <UnverifiedBanner />
        <LiveBlockedBanner />
        <main className="page narrow">
          {route.name === 'profile' ? (
            <ProfilePage />
          ) : (
            <>
              <MyInvitations />
              <h1>Welcome{me ? `, ${me.displayName}` : ''}</h1>
              <p className="muted">
                A workspace holds your team's projects, boards and documents. Create one to get started, or join one with an invitation.
              </p>
              <CreateWorkspaceForm autoFocus />
              <SharedInbox />
              <SharedList />
            </>
          )}
        </main>
      </div>
    );
  }

  return (
    <div className="shell">
      <aside className="sidebar">
        {member && <WorkspaceSwitcher current={member} />}
        {member && <Nav wid={member} route={route} />}
        {member && <DocTree wid={member} activeId={route.name === 'doc' ? route.did : null} />}
        <SharedList activeId={route.name === 'doc' ? route.did : null} />
      </aside>
      <div className="main">
        <TopBar />
        <UnverifiedBanner />
        <LiveBlockedBanner />
        <main className="content">
          <MyInvitations />
          <Screen route={route} />
        </main>
        {help && <ShortcutHelp onClose={() => setHelp(false)} />}
        <SearchPalette wid={member} />
      </div>
    </div>
  );
}

function Nav({ wid, route }: { wid: string; route: Route }) {
  const { data: notifications } = useNotifications();
  const { data: workspaces } = useWorkspaces();
  const unread = notifications?.filter((n) => !n.readAt).length ?? 0;
  const isOwner = allows(workspaces?.find((w) => w.id === wid)?.role, 'workspace.members.manage');
  const canAudit = allows(workspaces?.find((w) => w.id === wid)?.role, 'workspace.audit.read');
  const item = (name: Route['name'], to: string, label: string, extra?: React.ReactNode) => (
    <Link to={to} className={`nav-item ${route.name === name ? 'active' : ''}`} aria-current={route.name === name ? 'page' : undefined}>
      {label}
      {extra}
    </Link>
  );
  return (
    <nav className="nav">
      {item('workspace', paths.workspace(wid), 'Projects')}
      {item(
        'inbox',
        paths.inbox(wid),
        'Inbox',
        unread > 0 && (
          <span className="badge">
            {unread}
            <span className="sr-only"> unread</span>
          </span>
        ),
      )}
      {item('members', paths.members(wid), isOwner ? 'Members' : 'People')}
      {item('labels', paths.labels(wid), 'Labels')}
      {item('trash', paths.trash(wid), 'Trash')}
      {isOwner && item('settings', paths.settings(wid), 'Workspace settings')}
      {isOwner && item('webhooks', paths.webhooks(wid), 'Webhooks')}
      {canAudit && item('audit', paths.audit(wid), 'Audit log')}
    </nav>
  );
}

function TopBar() {
  const { data: me } = useMe();
  return (
    <header className="topbar">
      <span className="brand">
        <span className="brand-mark">T</span> Tandem
      </span>
      <button type="button" className="search-trigger" onClick={openSearchPalette} aria-label="Search (Ctrl+K)">
        <span>Search…</span>
        <kbd>Ctrl K</kbd>
      </button>
      <span className="spacer" />
      <HostButton />
      <ConnectionIndicator />
      {me && (
        <Link to={paths.account()} className="me-link" aria-label={`Your account: ${me.displayName}`}>
          <Avatar id={me.id} name={me.displayName} />
          <span className="muted me-name">{me.displayName}</span>
        </Link>
      )}
      <button type="button" onClick={() => void api.auth.logout().catch(() => undefined)}>
        Sign out
      </button>
    </header>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'home':
      return <p className="muted">Loading…</p>;
    case 'workspace':
      return <ProjectsPage wid={route.wid} />;
    case 'members':
      return <MembersPage wid={route.wid} />;
    case 'inbox':
      return <InboxPage wid={route.wid} />;
    case 'trash':
      return <TrashPage wid={route.wid} />;
    case 'labels':
      return <LabelsPage wid={route.wid} />;
    case 'search':
      return <SearchPage key={route.wid} wid={route.wid} />;
    case 'settings':
      return <WorkspaceSettingsPage wid={route.wid} />;
    case 'profile':
      return <ProfilePage />;
    case 'invite':
      return <p className="muted">Opening the invitation…</p>;
    case 'board':
      return <BoardPage wid={route.wid} pid={route.pid} tid={route.tid} />;
    case 'backlog':
      return <BacklogPage wid={route.wid} pid={route.pid} tid={route.tid} />;
    case 'projectSettings':
      return <ProjectSettingsPage wid={route.wid} pid={route.pid} />;
    case 'task':
      return <TaskLink wid={route.wid} tid={route.tid} />;
    case 'doc':
      return (
        <Suspense fallback={<p className="muted">Opening document…</p>}>
          <DocPage key={route.did} wid={route.wid} did={route.did} />
        </Suspense>
      );
    case 'account':
      // One screen for me: how others see me and the look (profile), then sign-in matters (account).
      return (
        <>
          <ProfilePage />
          <AccountPage />
        </>
      );
    case 'webhooks':
      return <WebhooksPage wid={route.wid} />;
    case 'audit':
      return <AuditPage wid={route.wid} />;
    case 'notFound':
      return (
        <section className="page">
          <h1>Not found</h1>
          <p className="muted">
            This page does not exist or you do not have access to it. <Link to="/">Go home</Link>
          </p>
        </section>
      );
  }
}

function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <dialog open className="shortcut-help" aria-label="Keyboard shortcuts" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <h2>Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <button type="button" autoFocus onClick={onClose}>
        Close
      </button>
    </dialog>
  );
}
