import { z } from 'zod';
import { ExecutionRecordSchema } from '../domain/execution-record.js';

/** JSON Schema (draft 2020-12) of one record line of `records.jsonl`, from the zod schema. */
export function recordJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ExecutionRecordSchema, { io: 'output', unrepresentable: 'any' }),
    title: 'ExecutionRecord',
    description:
      'One pipeline run (taxonomy 1.1, a superset of 1.0). A line of records.jsonl is this, or {"export_error": {"execution_id", "message"}} for a record that could not be read.',
  };
}
