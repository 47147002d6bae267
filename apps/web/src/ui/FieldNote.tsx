// Under a field: its problem in plain words; otherwise a hint, or — as a long text nears its limit —
// how much room is left, so limits are seen before they are hit and nothing is cut off silently.
export function FieldNote({ error, hint, length, max }: { error?: string | null; hint?: string; length?: number; max?: number }) {
  if (error)
    return (
      <span className="field-error" role="alert">
        {error}
      </span>
    );
  if (length !== undefined && max !== undefined && length >= max * 0.8) {
    return (
      <span className={length > max ? 'field-error' : 'field-hint'} aria-live="polite">
        {length > max ? `${length - max} characters over the limit of ${max}` : `${length}/${max}`}
      </span>
    );
  }
  return hint ? <span className="field-hint">{hint}</span> : null;
}
