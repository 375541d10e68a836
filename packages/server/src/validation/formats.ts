/**
 * Value formats of the original validator (spec §1.9), reproduced exactly so that
 * the same strings pass and fail.
 */

/** `email`: dot-separated local atoms, `@`, a host with at least one dot, or `[IPv4]`. */
export const EMAIL_FORMAT =
  /^(?:[\w!#$%&'*+\-/=?^`{|}~]+\.)*[\w!#$%&'*+\-/=?^`{|}~]+@(?:(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-](?!\.)){0,61}[a-zA-Z0-9]?\.)+[a-zA-Z0-9](?:[a-zA-Z0-9-](?!$)){0,61}[a-zA-Z0-9]?)|(?:\[(?:(?:[01]?\d{1,2}|2[0-4]\d|25[0-5])\.){3}(?:[01]?\d{1,2}|2[0-4]\d|25[0-5])\]))$/;

/** `uri`: a scheme, a colon, then no whitespace. */
export const URI_FORMAT = /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$/;

const ISO_PARTS = /^(\d{4})(?:-(\d\d)(?:-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d))?(\.\d+)?(Z|[+-]\d\d:\d\d)?)?)?)?$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Reads an iso-date (§1.9) as an instant, or `null` when it is not one or not a real
 * date/time (`1970-13-01`, `1970-02-30`, `10:61`). Zone-less input is read in server-local time.
 * `24:00` (with zero minutes and seconds) is the end of the day.
 * @example parseIsoDate('1980-01-01T00:00:00Z')?.toISOString() // '1980-01-01T00:00:00.000Z'
 */
export function parseIsoDate(text: string): Date | null {
  const m = ISO_PARTS.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fraction = m[7] === undefined ? 0 : Number(`0${m[7]}`);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (minute > 59 || second > 59) return null;
  if (hour > 24 || (hour === 24 && (minute > 0 || second > 0 || fraction > 0))) return null;
  const ms = Math.round(fraction * 1000);
  const zone = m[8];
  let time: number;
  if (zone === undefined) {
    const local = new Date(2000, 0, 1, 0, 0, 0, 0);
    local.setFullYear(year, month - 1, day);
    local.setHours(hour, minute, second, ms);
    time = local.getTime();
  } else {
    let offset = 0;
    if (zone !== 'Z') {
      const oh = Number(zone.slice(1, 3));
      const om = Number(zone.slice(4, 6));
      if (oh > 23 || om > 59) return null;
      offset = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
    }
    const utc = new Date(0);
    utc.setUTCFullYear(year, month - 1, day);
    utc.setUTCHours(hour, minute, second, ms);
    time = utc.getTime() - offset * 60_000;
  }
  return Number.isNaN(time) ? null : new Date(time);
}

/** True when `text` is an iso-date (§1.9) naming a real date/time. */
export function isIsoDate(text: string): boolean {
  return parseIsoDate(text) !== null;
}
