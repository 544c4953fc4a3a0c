import { describe, expect, it } from 'vitest';
import { EXECUTION_ID_RULE } from '../../src/domain/execution-id.js';
import { EXECUTION_MODES } from '../../src/domain/execution-mode.js';
import { ExecutionRecordSchema, RECORD_STATUSES } from '../../src/domain/execution-record.js';
import { RUN_DEFAULTS } from '../../src/domain/run-defaults.js';
import { isCheckedSafetyLevel, SAFETY_LEVELS } from '../../src/domain/safety-level.js';
import { pipelineRequestSchema } from '../../src/pipeline/pipeline-request.js';
import { InvalidExecutionIdError } from '../../src/store/record-store.js';
import { buildRecord } from '../helpers/record-builder.js';

describe('one home per domain vocabulary', () => {
  it('refuses a malformed execution id with the same rule in the schema and the store', () => {
    const parsed = ExecutionRecordSchema.safeParse({ ...buildRecord(), execution_id: 'exec_1' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toBe(EXECUTION_ID_RULE);
    expect(new InvalidExecutionIdError('exec_1').message).toContain(EXECUTION_ID_RULE);
  });

  it('accepts the four record statuses and null (older records), nothing else', () => {
    for (const status of [...RECORD_STATUSES, null])
      expect(ExecutionRecordSchema.safeParse({ ...buildRecord(), status }).success).toBe(true);
    expect(ExecutionRecordSchema.safeParse({ ...buildRecord(), status: 'done' }).success).toBe(
      false,
    );
  });

  it('gives a request the run defaults and the modes and levels of the domain', () => {
    const schema = pipelineRequestSchema(100);
    const request = schema.parse({ schema: 'dada', input_text: 'Eine Blume' });
    expect(request).toMatchObject({
      execution_mode: RUN_DEFAULTS.executionMode,
      safety_level: RUN_DEFAULTS.safetyLevel,
      user_id: RUN_DEFAULTS.userId,
      session_id: RUN_DEFAULTS.sessionId,
    });
    for (const execution_mode of EXECUTION_MODES)
      expect(schema.safeParse({ ...request, execution_mode }).success).toBe(true);
    for (const safety_level of SAFETY_LEVELS)
      expect(schema.safeParse({ ...request, safety_level }).success).toBe(true);
    expect(schema.safeParse({ ...request, safety_level: 'none' }).success).toBe(false);
  });

  it('checks kids, youth and adult; research and off skip the checks', () => {
    expect(SAFETY_LEVELS.filter(isCheckedSafetyLevel)).toEqual(['kids', 'youth', 'adult']);
  });
});
