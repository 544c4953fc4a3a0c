import { diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { bridgeDiag } from '../../src/server/diag-bridge.js';
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
