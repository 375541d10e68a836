/**
 * A hint shown when a single page came back full.
 * @example morePages(250, 250, 0) // 'More may follow: --offset 250, or --all for everything.'
 */
export function morePages(count: number, limit: number, offset: number): string | undefined {
  return count > 0 && count >= limit
    ? `More may follow: --offset ${offset + count}, or --all for everything.`
    : undefined;
}
