import { randomBytes } from 'node:crypto';

/** `exec_YYYYMMDD_HHMMSS_<8 lowercase hex>`, local time of the run's start. */
export const EXECUTION_ID_PATTERN = /^exec_\d{8}_\d{6}_[0-9a-f]{8}$/;

/** What every refusal of a malformed execution id says (schema, store, HTTP API). */
export const EXECUTION_ID_RULE = 'expected an execution id: exec_YYYYMMDD_HHMMSS_<8 lowercase hex>';

/** True when `value` is a well-formed execution id (and so safe to use in a file name). */
export function isExecutionId(value: unknown): value is string {
  return typeof value === 'string' && EXECUTION_ID_PATTERN.test(value);
}

/**
 * An execution id as senders may spell it, with upper-case hex (conventions 1.1): the id in
 * its one stored spelling (lower-case hex), or the value unchanged when it is no id at all.
 */
export function normalizeExecutionId(value: string): string {
  return /^exec_\d{8}_\d{6}_[0-9A-Fa-f]{8}$/.test(value) ? value.toLowerCase() : value;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * Makes execution ids. The 8-hex suffix is a random per-generator start plus a counter, so ids
 * from one process never collide (even thousands in the same second), and ids from different
 * processes collide only by a 1-in-2^32 chance per pair of generators.
 */
export class ExecutionIdGenerator {
  private counter: number;

  constructor(seed: number = randomBytes(4).readUInt32BE(0)) {
    this.counter = seed >>> 0;
  }

  /** A new id for a run started at `date` (default now). */
  next(date: Date = new Date()): string {
    const suffix = this.counter.toString(16).padStart(8, '0');
    this.counter = (this.counter + 1) >>> 0;
    const day = `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`;
    const time = `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
    return `exec_${day}_${time}_${suffix}`;
  }
}
