// A person as a coloured circle with initials; the colour is stable per user id, and the same one
// marks their caret in documents.
const COLORS = ['#5b5bd6', '#d6409f', '#0d9488', '#e5484d', '#f76b15', '#3e63dd', '#8e4ec6', '#29a383', '#b45309', '#0090ff'];

export function userColor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return COLORS[h % COLORS.length]!;
}

export function initials(name: string): string {
  const parts = name
    .trim()
    .split(/[\s@._-]+/)
    .filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

export function Avatar({ id, name, size = 24 }: { id: string; name: string; size?: number }) {
  return (
    <span className="avatar" title={name} style={{ background: userColor(id), width: size, height: size, fontSize: size * 0.42 }}>
      {initials(name)}
    </span>
  );
}

export function AvatarStack({ people, max = 5 }: { people: { id: string; name: string }[]; max?: number }) {
  if (people.length === 0) return null;
  const shown = people.slice(0, max);
  return (
    <span className="avatar-stack" title={`Here now: ${people.map((p) => p.name).join(', ')}`}>
      {shown.map((p) => (
        <Avatar key={p.id} id={p.id} name={p.name} />
      ))}
      {people.length > max && <span className="avatar more">+{people.length - max}</span>}
    </span>
  );
}
