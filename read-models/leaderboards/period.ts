/** The month an award belongs to, from when it was recorded (UTC): "2026-11". */
export const monthOf = (at: Date) => at.toISOString().slice(0, 7);
