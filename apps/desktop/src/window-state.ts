// The main window reopens where it was left, unless that place is no longer on any screen
// (a monitor was unplugged), in which case it is centred on the primary screen.
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState extends Rect {
  maximized: boolean;
}

export const MIN_SIZE = { width: 800, height: 560 };
const DEFAULT_SIZE = { width: 1280, height: 820 };

function visibleArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export function parseWindowState(raw: unknown): WindowState | null {
  if (!raw || typeof raw !== 'object') return null;
  const s = raw as Record<string, unknown>;
  const nums = ['x', 'y', 'width', 'height'].map((k) => s[k]);
  if (!nums.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
  const [x, y, width, height] = nums as number[];
  return { x: x!, y: y!, width: width!, height: height!, maximized: s.maximized === true };
}

/** Where to open the window, given what was saved and the screens' work areas (primary first). */
export function restoreWindowState(saved: WindowState | null, workAreas: Rect[]): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE };
  if (saved) {
    const width = Math.max(MIN_SIZE.width, Math.min(saved.width, Math.max(...workAreas.map((a) => a.width), MIN_SIZE.width)));
    const height = Math.max(MIN_SIZE.height, Math.min(saved.height, Math.max(...workAreas.map((a) => a.height), MIN_SIZE.height)));
    const rect = { x: saved.x, y: saved.y, width, height };
    // At least a third of the window must be on some screen to be reachable.
    if (workAreas.some((a) => visibleArea(rect, a) >= (width * height) / 3)) return { ...rect, maximized: saved.maximized };
  }
  const width = Math.min(DEFAULT_SIZE.width, primary.width);
  const height = Math.min(DEFAULT_SIZE.height, primary.height);
  return {
    x: Math.round(primary.x + (primary.width - width) / 2),
    y: Math.round(primary.y + (primary.height - height) / 2),
    width,
    height,
    maximized: saved?.maximized ?? false,
  };
}
