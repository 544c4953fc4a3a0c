import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { listeningLog } from '../../../src/server/listening-log.js';
import { redactUrl, redactUrlsIn } from '../../../src/telemetry/otlp/redact-url.js';

const SECRET_URL = 'http://alice:s3cret@collector:4318/v1/traces?token=t0ken&api_key=k3y';

describe('redactUrl', () => {
  it('hides user, password and every query value; leaves a plain URL and non-URLs alone', () => {
    expect(redactUrl(SECRET_URL)).toBe('http://***@collector:4318/v1/traces?token=***&api_key=***');
    expect(redactUrl('http://t0ken@collector:4318/v1/traces')).toBe(
      'http://***@collector:4318/v1/traces',
    );
    expect(redactUrl('https://collector.example/v1/traces')).toBe(
      'https://collector.example/v1/traces',
    );
    expect(redactUrl('not a url')).toBe('not a url');
  });

  it('redacts URLs inside an error message', () => {
    const text = redactUrlsIn(`request to ${SECRET_URL} failed, reason: ECONNREFUSED`);
    expect(text).not.toMatch(/alice|s3cret|t0ken|k3y/);
    expect(text).toContain('ECONNREFUSED');
  });
});

describe('listeningLog', () => {
  it('prints the OTLP endpoint without its credentials', () => {
    const config = loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: SECRET_URL });
    expect(JSON.stringify(listeningLog(config, 1, null))).not.toMatch(/alice|s3cret|t0ken|k3y/);
  });
});
