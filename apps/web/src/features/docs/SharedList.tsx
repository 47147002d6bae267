// "Shared with me": documents others shared with me directly, grouped by workspace. Shown on the
// home page and in the sidebar, so someone who is in no workspace can still reach what they got.
import { useSharedDocuments } from '../../api/queries.js';
import { Link, paths } from '../../app/router.js';

export function SharedList({ activeId = null }: { activeId?: string | null }) {
  const { data: shared = [] } = useSharedDocuments();
  if (shared.length === 0) return null;
  const ids = new Set(shared.map((d) => d.id));
  // Top level: what was shared itself (its parent is not in the list); the rest sits under it.
  const children = (parentId: string | null) =>
    shared.filter((d) => (parentId === null ? !d.parentId || !ids.has(d.parentId) : d.parentId === parentId));
  const render = (parentId: string | null, depth: number) => (
    <ul>
      {children(parentId).map((d) => (
        <li key={d.id}>
          <div className={`tree-row ${d.id === activeId ? 'active' : ''}`} style={{ paddingLeft: 6 + depth * 14 }}>
            <Link to={paths.doc(d.workspaceId, d.id)} className="tree-link" aria-current={d.id === activeId ? 'page' : undefined}>
              {d.title || 'Untitled'}
              {parentId === null && <span className="muted"> · {d.workspaceName}</span>}
            </Link>
          </div>
          {shared.some((c) => c.parentId === d.id) && render(d.id, depth + 1)}
        </li>
      ))}
    </ul>
  );
  return (
    <section className="doc-tree" aria-label="Shared with me">
      <div className="tree-header">Shared with me</div>
      {render(null, 0)}
    </section>
  );
}
