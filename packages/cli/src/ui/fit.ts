/**
 * Column widths that fit `available` characters: columns wider than a common cap are cut to it,
 * narrow columns keep their width. Never below `min` (a table may then overflow a tiny terminal).
 * Columns marked in `keep` (ids, which are useless cut) always keep their natural width; the others share
 * what is left.
 * @example fitColumns([2, 30, 50], 40, 1) // [2, 18, 18]
 * @example fitColumns([40, 30, 50], 80, 2, 6, [true]) // [40, 18, 18]
 */
export function fitColumns(
  natural: readonly number[],
  available: number,
  gap: number,
  min = 6,
  keep: readonly boolean[] = [],
): number[] {
  if (keep.some(Boolean)) {
    const kept = natural.reduce((sum, w, i) => sum + (keep[i] ? w : 0), 0);
    const keptCount = natural.filter((_, i) => keep[i]).length;
    const rest = natural.filter((_, i) => !keep[i]);
    // The kept columns and their gaps come off the room first.
    const fitted = fitColumns(rest, available - kept - gap * keptCount, gap, min);
    let next = 0;
    return natural.map((w, i) => (keep[i] ? w : (fitted[next++] ?? w)));
  }
  const room = available - gap * Math.max(0, natural.length - 1);
  const total = natural.reduce((sum, w) => sum + w, 0);
  if (total <= room) return [...natural];
  const floorOf = (w: number) => Math.min(w, min);
  const widthAt = (cap: number) => natural.map((w) => Math.max(floorOf(w), Math.min(w, cap)));
  const sum = (ws: number[]) => ws.reduce((s, w) => s + w, 0);
  // The largest cap whose widths still fit (binary search over 0..max width).
  let lo = 0;
  let hi = Math.max(...natural);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (sum(widthAt(mid)) <= room) lo = mid;
    else hi = mid - 1;
  }
  const widths = widthAt(lo);
  // Hand out what the integer cap left over, left to right, to columns that were cut.
  let spare = room - sum(widths);
  for (let i = 0; i < widths.length && spare > 0; i++) {
    const w = widths[i] ?? 0;
    const want = (natural[i] ?? 0) - w;
    const add = Math.min(want, spare);
    if (add > 0) {
      widths[i] = w + add;
      spare -= add;
    }
  }
  return widths;
}

/**
 * Display width of a text: code points, wide East Asian characters counted twice.
 * @example textWidth('日本') // 4
 */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 32 || (code >= 0x300 && code <= 0x36f)) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}
