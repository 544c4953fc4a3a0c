import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/processes.js';
import { testTracing } from '../../helpers/tracing.js';

describe('the resource describes the process', () => {
  it('has service name and version, a per-process instance id, the host, and the configured attributes', async () => {
    const { tracing, memory } = await testTracing({
      serviceName: 'kunst',
      resourceAttributes: { 'deployment.environment.name': 'lab', 'host.name': 'override' },
    });
    const t = tracing.startRun({ configName: 'dada' });
    t.complete();
    await tracing.forceFlush();
    const attributes = memory.getFinishedSpans()[0]!.resource.attributes;
    const version = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    expect(attributes).toMatchObject({
      'service.name': 'kunst',
      'service.version': version,
      'deployment.environment.name': 'lab',
      'host.name': 'override',
    });
    expect(attributes['service.instance.id']).toMatch(/^[0-9a-f-]{36}$/);

    // Defaults; the instance id is the process's, the same for every provider in it.
    const other = await testTracing();
    const defaults = other.tracing.startRun({ configName: 'dada' });
    defaults.complete();
    await other.tracing.forceFlush();
    const second = other.memory.getFinishedSpans()[0]!.resource.attributes;
    expect(second['host.name']).toBe(hostname());
    expect(second['service.name']).toBe('execution-history');
    expect(second['service.instance.id']).toBe(attributes['service.instance.id']);
  });
});
