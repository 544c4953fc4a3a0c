import { diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { bridgeDiag, diagEntry } from '../../src/server/diag-bridge.js';
import { captureLogger } from '../helpers/log-capture.js';

afterEach(() => diag.disable());

describe('bridgeDiag', () => {
  it('logs OTel warnings without the credentials of a URL they name', () => {
    const { logger, lines } = captureLogger();
    bridgeDiag(logger);
    const url = 'http://alice:s3cret@collector:4318/v1/traces?token=t0ken';
    diag.error(`export to ${url} failed`, new Error(`connect ECONNREFUSED ${url}`));
    const text = JSON.stringify(lines());
    expect(text).toContain('ECONNREFUSED');
    expect(text).not.toMatch(/alice|s3cret|t0ken/);
  });
});

// What the SDK's global error handler passes to diag.error for a refused export.
const REFUSED = JSON.stringify({
  stack: 'Error: connect ECONNREFUSED 127.0.0.1:4318\n    at TCPConnectWrap.afterConnect',
  message: 'connect ECONNREFUSED 127.0.0.1:4318',
  errno: '-111',
  code: 'ECONNREFUSED',
  syscall: 'connect',
});

describe('diagEntry', () => {
  it('turns a collector that does not answer into one warning without a stack trace', () => {
    expect(diagEntry('error', REFUSED)).toEqual({
      level: 'warn',
      fields: {
        component: 'otel',
        error: 'connect ECONNREFUSED 127.0.0.1:4318',
        error_code: 'ECONNREFUSED',
      },
      msg: 'trace export failed: the collector does not answer',
    });
  });

  it('keeps other errors at their level, with the message and no stack', () => {
    const err = Object.assign(new Error('bad payload'), { code: 'E_PROTO' });
    expect(diagEntry('error', 'otlp-exporter: export failed', [err])).toEqual({
      level: 'error',
      fields: { component: 'otel', error: 'bad payload', error_code: 'E_PROTO' },
      msg: 'otlp-exporter: export failed',
    });
    const entry = diagEntry('error', `exporter: ${JSON.stringify({ message: 'x', stack: 's' })}`);
    expect(entry).toEqual({
      level: 'error',
      fields: { component: 'otel', error: 'x' },
      msg: 'exporter',
    });
  });

  it('passes plain text through', () => {
    expect(diagEntry('warn', 'span dropped')).toEqual({
      level: 'warn',
      fields: { component: 'otel' },
      msg: 'span dropped',
    });
  });
});
