// A form's or dialog's error line, announced to screen readers; renders nothing without an error.
export function FormError({ error }: { error: string | null | undefined }) {
  return error ? (
    <p className="form-error" role="alert">
      {error}
    </p>
  ) : null;
}
