// The header every project screen shares: key, name, and the project's views (board, backlog and,
// for the project's owners, settings).
import { allows } from '@tandem/protocol/policy';
import type { ReactNode } from 'react';
import type { ProjectView } from '../../api/types.js';
import { Link, paths } from '../../app/router.js';

export type ProjectTab = 'board' | 'backlog' | 'settings';

export function ProjectHeader({
  wid,
  project,
  tab,
  children,
}: {
  wid: string;
  project: ProjectView;
  tab: ProjectTab;
  children?: ReactNode;
}) {
  const tabs: [ProjectTab, string, string][] = [
    ['board', 'Board', paths.board(wid, project.id)],
    ['backlog', 'Backlog', paths.backlog(wid, project.id)],
  ];
  // Statuses and role overrides are the project owner's; others would only be refused.
  if (allows(project.role, 'project.update')) tabs.push(['settings', 'Settings', paths.projectSettings(wid, project.id)]);
  return (
    <header className="page-header">
      <span className="project-key">{project.key}</span>
      <h1>{project.name}</h1>
      <nav className="project-tabs" aria-label="Project views">
        {tabs.map(([id, label, to]) => (
          <Link key={id} to={to} className={`tab ${tab === id ? 'active' : ''}`} aria-current={tab === id ? 'page' : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      <span className="spacer" />
      {children}
    </header>
  );
}
