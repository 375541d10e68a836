/**
 * A compact display of any JSON value: strings as is, lists comma-separated, objects as JSON.
 * @example show(['a', 'b']) // 'a, b'
 */
export function show(value: unknown, pretty = false): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number'))
    return value.join(', ');
  return pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
}
