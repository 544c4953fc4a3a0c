import type { Attributes } from '@opentelemetry/api';
import { TAXONOMY_VERSION } from '../../domain/execution-record.js';
import { RUN_DEFAULTS } from '../../domain/run-defaults.js';
import * as A from './attributes.js';

/** The fields of a run that the caller may leave unset (the run defaults fill them). */
export interface RunFields {
  configName: string;
  /** Default `eco`. */
  executionMode?: string;
  /** Default `kids`. */
  safetyLevel?: string;
  /** Default `anonymous`. */
  userId?: string;
  /** Default `default`. */
  sessionId?: string;
  /** When the request arrived (ISO 8601); default null. */
  requestTimestamp?: string | null;
  /** The study the run belongs to; default null (none). */
  studyId?: string | null;
  /** The study condition (arm) of the run; default null (none). */
  condition?: string | null;
}

/** A run's fields with the defaults applied (once, here). */
export type RunInfo = Required<RunFields>;

export function resolveRunInfo(fields: RunFields): RunInfo {
  return {
    configName: fields.configName,
    executionMode: fields.executionMode ?? RUN_DEFAULTS.executionMode,
    safetyLevel: fields.safetyLevel ?? RUN_DEFAULTS.safetyLevel,
    userId: fields.userId ?? RUN_DEFAULTS.userId,
    sessionId: fields.sessionId ?? RUN_DEFAULTS.sessionId,
    requestTimestamp: fields.requestTimestamp ?? null,
    studyId: fields.studyId ?? null,
    condition: fields.condition ?? null,
  };
}

/** The run attributes the record is assembled from (on the run span and the start span). */
export function runAttributes(run: RunInfo, executionId: string): Attributes {
  return {
    [A.ATTR_EXECUTION_ID]: executionId,
    [A.ATTR_CONFIG_NAME]: run.configName,
    [A.ATTR_EXECUTION_MODE]: run.executionMode,
    [A.ATTR_SAFETY_LEVEL]: run.safetyLevel,
    [A.ATTR_USER_ID]: run.userId,
    [A.ATTR_SESSION_ID]: run.sessionId,
    [A.ATTR_TAXONOMY_VERSION]: TAXONOMY_VERSION,
    ...(run.studyId === null ? {} : { [A.ATTR_STUDY_ID]: run.studyId }),
    ...(run.condition === null ? {} : { [A.ATTR_CONDITION]: run.condition }),
  };
}
