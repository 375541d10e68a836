/** The spec's iso-date pattern (§1.9) with a capture per part. */
const PARTS = /^(\d{4})(?:-(\d\d)(?:-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d))?(\.\d+)?(Z|[+-]\d\d:\d\d)?)?)?)?$/;

/**
 * Reads an ISO-8601 date or date-time of the spec's iso-date form (§1.9) as epoch milliseconds,
 * or `undefined` when it is not one or names no real date (`1970-13-01`, `2021-02-30`, `10:61`).
 * Zone-less input is read as UTC (bbk always sends full UTC ISO strings, so this only matters
 * for hand-made calls).
 * @example parseIsoDate('2020-01-01T00:00:00.000Z') // 1577836800000
 */
export function parseIsoDate(text: string): number | undefined {
  const m = PARTS.exec(text);
  if (!m) return undefined;
  const part = (i: number, fallback: number) => (m[i] === undefined ? fallback : Number(m[i]));
  const [year, month, day, hour, minute, second] = [
    part(1, 0),
    part(2, 1),
    part(3, 1),
    part(4, 0),
    part(5, 0),
    part(6, 0),
  ];
  const ms = m[7] === undefined ? 0 : Math.round(Number(`0${m[7]}`) * 1000);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lastDay = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (month < 1 || month > 12 || day < 1 || day > lastDay || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(4, 6));
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, ms);
  return utc.getTime() - offsetMinutes * 60_000;
}
