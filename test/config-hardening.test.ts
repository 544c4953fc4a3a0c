import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig: hardening and data lifecycle variables', () => {
  it('defaults: loopback hosts only, bounded server, no retention, erasure log beside the records', () => {
    const c = loadConfig({});
    expect(c.allowedHosts).toEqual([]);
    expect(c.serverLimits).toEqual({
      headersTimeoutMillis: 10_000,
      requestTimeoutMillis: 30_000,
      keepAliveTimeoutMillis: 5_000,
      maxConnections: 256,
    });
    expect(c.retentionDays).toBeNull();
    expect(c.erasureLog).toBe(join(dirname(c.executionsDir), 'erasure-log.jsonl'));
  });

  it('reads ALLOWED_HOSTS, the limits, RETENTION_DAYS and ERASURE_LOG', () => {
    const c = loadConfig({
      ALLOWED_HOSTS: ' kiosk.school.example, .lab.example ,',
      HEADERS_TIMEOUT_MS: '2000',
      REQUEST_TIMEOUT_MS: '1000',
      KEEP_ALIVE_TIMEOUT_MS: '1500',
      MAX_CONNECTIONS: '64',
      RETENTION_DAYS: '30',
      ERASURE_LOG: '/var/audit/erasures.jsonl',
    });
    expect(c.allowedHosts).toEqual(['kiosk.school.example', '.lab.example']);
    expect(c.serverLimits).toEqual({
      headersTimeoutMillis: 2_000,
      requestTimeoutMillis: 2_000, // never below the header time-out
      keepAliveTimeoutMillis: 1_500,
      maxConnections: 64,
    });
    expect(c.retentionDays).toBe(30);
    expect(c.erasureLog).toBe('/var/audit/erasures.jsonl');
  });

  it('reads the client limits: streams per client, async runs going and waiting', () => {
    expect(loadConfig({}).clientLimits).toEqual({
      liveStreamsPerClient: 8,
      asyncRunsRunning: 4,
      asyncRunsQueued: 32,
    });
    expect(
      loadConfig({ LIVE_STREAMS_PER_CLIENT: '2', ASYNC_RUNS_MAX: '1', ASYNC_RUNS_QUEUE: '0' })
        .clientLimits,
    ).toEqual({ liveStreamsPerClient: 2, asyncRunsRunning: 1, asyncRunsQueued: 0 });
    expect(() => loadConfig({ ASYNC_RUNS_MAX: '0' })).toThrow(/ASYNC_RUNS_MAX/);
    expect(() => loadConfig({ LIVE_STREAMS_PER_CLIENT: 'all' })).toThrow(/LIVE_STREAMS_PER_CLIENT/);
  });

  it('refuses ALLOWED_HOSTS=* without API_TOKEN, and bad numbers', () => {
    expect(() => loadConfig({ ALLOWED_HOSTS: '*' })).toThrow(ConfigError);
    expect(() => loadConfig({ ALLOWED_HOSTS: '*' })).toThrow(/API_TOKEN/);
    expect(
      loadConfig({ ALLOWED_HOSTS: '*', API_TOKEN: 'a-long-enough-test-token' }).allowedHosts,
    ).toBe('*');
    expect(() => loadConfig({ RETENTION_DAYS: '0' })).toThrow(/RETENTION_DAYS/);
    expect(() => loadConfig({ MAX_CONNECTIONS: 'many' })).toThrow(/MAX_CONNECTIONS/);
  });
});
