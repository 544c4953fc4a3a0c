import { parseTimestampMillis } from '../domain/timestamp.js';

/**
 * A record timestamp as epoch microseconds, or null when unparseable.
 * NOTE: a naive (legacy) timestamp is read as this process's local time.
 */
export function timestampMicros(timestamp: string): number | null {
  const millis = parseTimestampMillis(timestamp);
  if (Number.isNaN(millis)) return null;
  const fraction = /\.(\d{1,9})/.exec(timestamp)?.[1] ?? '';
  const subMillis = Number((fraction + '000000').slice(3, 6));
  return millis * 1000 + subMillis;
}

/** Epoch microseconds as ISO 8601 UTC with six fraction digits (`2026-11-24T01:51:32.064178Z`). */
export function formatUtcMicros(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const iso = new Date(millis).toISOString(); // ...T01:51:32.064Z
  const rest = String(((micros % 1000) + 1000) % 1000).padStart(3, '0');
  return `${iso.slice(0, -1)}${rest}Z`;
}
