// The workspace home: its projects, and for owners a form to start one.
import { allows } from '@tandem/protocol/policy';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { useProjects, useWorkspaces } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import { Link, navigate, paths } from '../../app/router.js';
import { FormError } from '../../ui/FormError.js';

export function ProjectsPage({ wid }: { wid: string }) {
  const { data: workspaces } = useWorkspaces();
  const workspace = workspaces?.find((w) => w.id === wid);
  const { data: projects, error, isPending } = useProjects(wid);
  return (
    <section className="page">
      <header className="page-header">
        <h1>{workspace?.name ?? 'Workspace'}</h1>
        {workspace && <span className="role-badge">{workspace.role}</span>}
      </header>
      <h2>Projects</h2>
      {error && <p className="form-error">{errorMessage(error)}</p>}
      {isPending && <p className="muted">Loading projects…</p>}
      {projects && projects.length === 0 && (
        <p className="muted">
          {allows(workspace?.role, 'project.create') ? 'No projects yet. Start one below.' : 'No projects yet. An owner can create one.'}
        </p>
      )}
      <ul className="project-grid">
        {projects?.map((p) => (
          <li key={p.id}>
            <Link className="project-card" to={paths.board(wid, p.id)}>
              <span className="project-key">{p.key}</span>
              <strong>{p.name}</strong>
              {p.description && <span className="muted">{p.description}</span>}
            </Link>
          </li>
        ))}
      </ul>
      {allows(workspace?.role, 'project.create') && <CreateProjectForm wid={wid} />}
    </section>
  );
}

/** A key suggested from the name: "Mobile App" → "MA", "Website" → "WEB". */
export function suggestKey(name: string): string {
  const words = name
    .toUpperCase()
    .replace(/[^A-Z0-9 ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length > 1)
    return words
      .map((w) => w[0])
      .join('')
      .slice(0, 5);
  return (words[0] ?? '').slice(0, 3);
}

function CreateProjectForm({ wid }: { wid: string }) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [keyEdited, setKeyEdited] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const p = await api.projects.create(wid, { name: name.trim(), key: key.trim() });
      await qc.invalidateQueries({ queryKey: keys.projects(wid) });
      navigate(paths.board(wid, p.id));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <h2>New project</h2>
      <input
        aria-label="Project name"
        placeholder="Project name"
        required
        maxLength={100}
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          if (!keyEdited) setKey(suggestKey(e.target.value));
        }}
      />
      <input
        aria-label="Project key"
        placeholder="KEY"
        required
        pattern="[A-Za-z][A-Za-z0-9]{1,9}"
        title="2–10 letters or digits, starting with a letter"
        className="key-input"
        value={key}
        onChange={(e) => {
          setKeyEdited(true);
          setKey(e.target.value.toUpperCase());
        }}
      />
      <button type="submit" className="primary">
        Create project
      </button>
      <FormError error={error} />
    </form>
  );
}
