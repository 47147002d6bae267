// Label colours: readable text on any label colour, and the palette new labels start from.
export const LABEL_COLORS = ['#e5484d', '#f76b15', '#ffc53d', '#46a758', '#12a594', '#0090ff', '#6e56cf', '#d6409f', '#8d8d8d'];

/** Black or white, whichever reads better on `hex` (#rrggbb). */
export function labelTextColor(hex: string): '#000000' | '#ffffff' {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return '#000000';
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((c) => {
    const v = Number.parseInt(c, 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast against black vs. white: (L + 0.05) / 0.05 vs. 1.05 / (L + 0.05).
  return (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? '#000000' : '#ffffff';
}

/** The palette colour after the ones in use, so new labels differ from existing ones. */
export function nextLabelColor(used: string[]): string {
  const taken = new Set(used.map((c) => c.toLowerCase()));
  return LABEL_COLORS.find((c) => !taken.has(c)) ?? LABEL_COLORS[used.length % LABEL_COLORS.length]!;
}
