import type { Attributes } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { packageVersion } from '../tracker/package-root.js';

/** One id per process: tells apart two servers of the same service (and restarts). */
const INSTANCE_ID = randomUUID();

/** Options of `processResourceAttributes`. */
export interface ProcessResourceOptions {
  /** `service.name`; default `execution-history`. */
  serviceName?: string;
  /** Extra attributes, e.g. from `OTEL_RESOURCE_ATTRIBUTES`; they win over the detected ones. */
  attributes?: Readonly<Record<string, string>>;
}

/**
 * The resource of this process, all synchronous (the record path needs span export to stay
 * synchronous at span end): `service.name`, `service.version` (package.json), a random
 * `service.instance.id` per process and `host.name`, overridden by `attributes`, with the
 * service name last.
 */
export function processResourceAttributes(options: ProcessResourceOptions = {}): Attributes {
  return {
    'service.version': packageVersion(),
    'service.instance.id': INSTANCE_ID,
    'host.name': hostname(),
    ...options.attributes,
    'service.name': options.serviceName ?? 'execution-history',
  };
}
