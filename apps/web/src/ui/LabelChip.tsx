// A label as a coloured chip (board cards, the task drawer, the labels page).
import type { LabelView } from '../api/types.js';
import { labelTextColor } from '../features/labels/labels.js';

export function LabelChip({ label }: { label: Pick<LabelView, 'name' | 'color'> }) {
  return (
    <span className="label-chip" style={{ background: label.color, color: labelTextColor(label.color) }}>
      {label.name}
    </span>
  );
}
