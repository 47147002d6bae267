// Client file names are display text only: they never become storage paths. Still, a name is shown
// in the UI and in Content-Disposition, so it loses control and bidi-override characters and any
// directory part, and is kept to 255 characters (its extension kept when it is cut).

// Built from a string: the characters to drop are control characters on purpose.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const MAX = 255;

export function cleanFileName(raw: string | undefined | null): string {
  let name = (raw ?? '').replace(LONE_SURROGATE, '\ufffd').normalize('NFC').replace(INVISIBLE, '');
  name = name.split(/[\\/]/).pop() ?? '';
  name = name.trim().replace(/^\.+/, '').trim();
  const chars = Array.from(name);
  if (chars.length > MAX) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 ? Array.from(name.slice(dot)) : [];
    const keep = ext.length > 0 && ext.length <= 16 ? ext : [];
    name = chars.slice(0, MAX - keep.length).join('') + keep.join('');
  }
  return name || 'file';
}

/** `Content-Disposition` value: an ASCII fallback plus the exact name (RFC 6266 / 5987). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}
