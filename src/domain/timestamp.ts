import { z } from 'zod';

/** ISO 8601 date-time, with or without a UTC offset (old records hold naive local time). */
export const TIMESTAMP_PATTERN =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?$/;

export const TimestampSchema = z
  .string()
  .regex(
    TIMESTAMP_PATTERN,
    'expected an ISO 8601 date-time such as 2025-11-03T20:52:39.123456+01:00',
  );

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The last second formatted: its epoch second, its date-time part, its UTC offset. */
let cached = { second: Number.NaN, head: '', offset: '' };

/** Formats epoch microseconds as local time with microseconds and the UTC offset. */
export function formatMicros(epochMicros: number): string {
  const micros = Math.floor(epochMicros);
  const second = Math.floor(micros / 1_000_000);
  const fraction = pad(micros - second * 1_000_000, 6);
  if (second !== cached.second) {
    // Items come in bursts within one second: the date-time part is formatted once per second.
    const d = new Date(second * 1000);
    const offsetMin = -d.getTimezoneOffset();
    const abs = Math.abs(offsetMin);
    cached = {
      second,
      head:
        `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
        `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`,
      offset: `${offsetMin >= 0 ? '+' : '-'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`,
    };
  }
  return `${cached.head}.${fraction}${cached.offset}`;
}

/** Seconds rounded to microseconds, the precision of every time in a record. */
export function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

/** Formats an OpenTelemetry HrTime `[seconds, nanoseconds]`, keeping microseconds. */
export function formatHrTime(time: readonly [number, number]): string {
  return formatMicros(time[0] * 1_000_000 + Math.floor(time[1] / 1000));
}

/**
 * Parses a record timestamp to epoch milliseconds (NaN when unparseable).
 * NOTE: a naive timestamp is read as this process's local time, as the earlier server wrote it.
 */
export function parseTimestampMillis(value: string): number {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      value,
    );
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s, frac = '', zone] = m;
  const ms = Number((frac + '000').slice(0, 3));
  const fields = [
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    ms,
  ] as const;
  if (zone === undefined) return new Date(...fields).getTime();
  const utc = Date.UTC(...fields);
  if (zone === 'Z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  return utc - sign * offsetMin * 60_000;
}
