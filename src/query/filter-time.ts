import { parseTimestampMillis } from '../domain/timestamp.js';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** One calendar day in this process's local time zone, as inclusive epoch-millisecond bounds. */
export interface DayBounds {
  startMillis: number;
  /** The last millisecond of the day (the next local midnight minus 1 ms). */
  endMillis: number;
}

/** The local calendar day `YYYY-MM-DD`, or null when `value` is not a real date of that form. */
export function localDay(value: string): DayBounds | null {
  const m = DATE_ONLY.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const start = new Date(y, mo, d);
  if (start.getFullYear() !== y || start.getMonth() !== mo || start.getDate() !== d) return null;
  return { startMillis: start.getTime(), endMillis: new Date(y, mo, d + 1).getTime() - 1 };
}

/** The instant of an ISO 8601 date-time (minutes at least; no offset: local time), or NaN. */
function dateTimeMillis(value: string): number {
  const m = DATE_TIME.exec(value);
  if (!m) return Number.NaN;
  const [, date, hm, seconds = ':00', zone = ''] = m;
  if (!localDay(date!)) return Number.NaN;
  const [h, mi, s] = [...hm!.split(':'), seconds.slice(1, 3)].map(Number) as number[];
  if (h! > 23 || mi! > 59 || s! > 59) return Number.NaN;
  return parseTimestampMillis(`${date}T${hm}${seconds}${zone.toUpperCase()}`);
}

/**
 * The instant a `since` (`start`) or `until` (`end`) filter value stands for, or NaN when it is
 * neither a date nor an ISO 8601 date-time. A date alone is the whole local day, both bounds
 * inclusive: `until=2026-12-02` keeps every run started on 2 December.
 */
export function filterInstant(value: string, edge: 'start' | 'end'): number {
  const day = localDay(value);
  if (day) return edge === 'start' ? day.startMillis : day.endMillis;
  return dateTimeMillis(value);
}
