// `/profile`: how colleagues see me (display name) and how Tandem looks on this device (theme).
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage, fieldErrors } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { useMe } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import { setTheme, type Theme, useTheme } from '../../app/theme.js';
import { Avatar } from '../../ui/Avatar.js';
import { FieldNote } from '../../ui/FieldNote.js';
import { FormError } from '../../ui/FormError.js';
import { toast } from '../../ui/toast.js';

const NAME_MAX = 100;
const THEMES: Array<[Theme, string]> = [
  ['system', 'Same as the system'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

export function ProfilePage() {
  const { data: me } = useMe();
  const theme = useTheme();
  return (
    <section className="page">
      <header className="page-header">
        <h1>Profile</h1>
      </header>
      {me && (
        <div className="profile-who">
          <Avatar id={me.id} name={me.displayName} size={48} />
          <div>
            <strong>{me.displayName}</strong>
            <div className="muted">{me.email}</div>
          </div>
        </div>
      )}
      {me && <DisplayNameForm key={me.displayName} current={me.displayName} />}
      <h2>Theme</h2>
      <fieldset className="theme-choice" aria-label="Theme">
        {THEMES.map(([value, label]) => (
          <label key={value}>
            <input type="radio" name="theme" value={value} checked={theme === value} onChange={() => setTheme(value)} />
            {label}
          </label>
        ))}
      </fieldset>
      <p className="muted">The theme is kept on this device.</p>
    </section>
  );
}

function DisplayNameForm({ current }: { current: string }) {
  const qc = useQueryClient();
  const [name, setName] = useState(current);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!name.trim()) return setProblem('Your name cannot be empty.');
    setProblem(null);
    setBusy(true);
    try {
      await api.updateMe({ displayName: name.trim() });
      await qc.invalidateQueries({ queryKey: keys.me });
      // Member lists show the name too.
      await qc.invalidateQueries({ queryKey: ['members'] });
      toast('Name saved');
    } catch (err) {
      const byField = fieldErrors(err);
      setProblem(byField.displayName ?? null);
      setError(byField.displayName ? null : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="settings-form" onSubmit={submit} noValidate>
      <h2>Display name</h2>
      <div className="row">
        <input
          aria-label="Display name"
          maxLength={NAME_MAX}
          value={name}
          aria-invalid={!!problem}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="primary" disabled={busy || name.trim() === current}>
          Save
        </button>
      </div>
      <FieldNote
        error={problem}
        length={name.length}
        max={NAME_MAX}
        hint="How colleagues see you in comments, mentions and member lists."
      />
      <FormError error={error} />
    </form>
  );
}
