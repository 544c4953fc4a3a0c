import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectorBinary, ROOT } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

// The collector's own check of every configuration (the YAML's references are checked without
// a process in compose-and-collector.test.ts).
describe('every collector configuration, validated by the collector of the same release', () => {
  const validate = (configs: string[], env: Record<string, string> = {}) =>
    spawnSync(
      collectorBinary(),
      ['validate', ...configs.flatMap((c) => ['--config', resolve(ROOT, 'collector-config', c)])],
      {
        encoding: 'utf8',
        env: { ...process.env, COLLECTOR_RECEIVER_TOKEN: 'validate-me', ...env },
      },
    );
  it.each([
    [['otel-collector.yaml']],
    [['otel-collector.yaml', 'to-record-service.yaml']],
    [['otel-collector.yaml', 'to-record-service.yaml', 'to-phoenix.yaml']],
    [['otel-collector.yaml', 'to-langfuse.yaml']],
    [['otel-collector.yaml', 'redact-content.yaml']],
    [['otel-collector.yaml', 'load-balance-record-services.yaml']],
    [['otel-collector.yaml', 'to-record-service.yaml', 'receiver-auth.yaml']],
    [['otel-collector.yaml', 'load-balance-record-services.yaml', 'receiver-auth.yaml']],
  ])('%j is valid', (configs) => {
    const result = validate(configs);
    expect(result.stderr + result.stdout).not.toMatch(/error/i);
    expect(result.status).toBe(0);
  });

  it('and the check can fail: a pipeline naming an exporter nobody declared is refused', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'bad.yaml'),
      'service:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [otlp/nowhere]\n',
    );
    const result = validate(['otel-collector.yaml', join(dir, 'bad.yaml')]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/otlp\/nowhere/);
  });
});
