// Series colours when the widget gives none: CloudWatch's graphs cycle through this ten-colour palette.
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export const seriesColor = (given: string | null | undefined, index: number): string =>
  given && /^#[0-9a-f]{3,8}$|^rgba?\(/i.test(given) ? given : PALETTE[index % PALETTE.length]!;

/** The colour with an alpha, for areas: "#1f77b4" at 0.3 is "#1f77b44d". */
export function withAlpha(hex: string, alpha: number): string {
  const full = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(hex);
  const six = full ? `#${full[1]}${full[1]}${full[2]}${full[2]}${full[3]}${full[3]}` : hex;
  if (!/^#[0-9a-f]{6}$/i.test(six)) return hex;
  return six + Math.round(Math.min(1, Math.max(0, alpha)) * 255).toString(16).padStart(2, '0');
}
