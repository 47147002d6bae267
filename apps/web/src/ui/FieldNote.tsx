// Under a field: its problem in plain words, or — as a long text nears its limit — how much room is
// left, so limits are seen before they are hit and nothing is cut off silently.
export function FieldNote({ error, length, max, id }: { error?: string | null; length?: number; max?: number; id?: string }) {
  if (error)
    return (
      <span className="field-error" role="alert" id={id}>
        {error}
      </span>
    );
  if (length === undefined || max === undefined || length < max * 0.8) return null;
  return (
    <span className={length > max ? 'field-error' : 'field-hint'} id={id} aria-live="polite">
      {length > max ? `${length - max} characters over the limit of ${max}` : `${length}/${max}`}
    </span>
  );
}
