/** The public API of execution-history. */
export {
  ExecutionIdGenerator,
  EXECUTION_ID_PATTERN,
  EXECUTION_ID_RULE,
  isExecutionId,
} from './domain/execution-id.js';
export { EXECUTION_MODES, ExecutionModeSchema } from './domain/execution-mode.js';
export type { ExecutionMode } from './domain/execution-mode.js';
export { RUN_DEFAULTS } from './domain/run-defaults.js';
export { SAFETY_LEVELS, SafetyLevelSchema } from './domain/safety-level.js';
export type { SafetyLevel } from './domain/safety-level.js';
export { ExecutionItemSchema } from './domain/execution-item.js';
export type { ExecutionItem } from './domain/execution-item.js';
export {
  effectiveStatus,
  ExecutionRecordSchema,
  RECORD_STATUSES,
  RecordStatusSchema,
  TAXONOMY_VERSION,
} from './domain/execution-record.js';
export type { ExecutionRecord, RecordStatus } from './domain/execution-record.js';
export { ITEM_TYPES, ItemTypeSchema } from './domain/item-type.js';
export type { ItemType } from './domain/item-type.js';
export { MEDIA_TYPES, MediaTypeSchema } from './domain/media-type.js';
export type { MediaType, OutputMediaType } from './domain/media-type.js';
export {
  parseRecord,
  RecordFormatError,
  serializeRecord,
  toRecord,
} from './domain/record-codec.js';
export type { ParsedRecord } from './domain/record-codec.js';

export { FileRecordStore } from './store/file-record-store.js';
export type { FileRecordStoreOptions } from './store/file-record-store.js';
export { MemoryRecordStore } from './store/memory-record-store.js';
export { InvalidExecutionIdError } from './store/record-store.js';
export type {
  RecordPage,
  RecordQuery,
  RecordStore,
  RecordSummary,
  StoreStats,
} from './store/record-store.js';

export { ContentPolicySpanExporter, redactSpan } from './telemetry/content-policy.js';
export type { ContentPolicy } from './telemetry/content-policy.js';
export { ExecutionRecordExporter } from './telemetry/execution-record-exporter.js';
export type {
  ExecutionRecordExporterOptions,
  RecordExporterStats,
} from './telemetry/execution-record-exporter.js';
export { ExecutionTracker } from './telemetry/execution-tracker.js';
export type {
  BackendCall,
  BackendUsage,
  ErrorPlace,
  ExecutionTrackerOptions,
  ItemListener,
  StageOptions,
} from './telemetry/execution-tracker.js';
export { decodeItem, encodeItem } from './telemetry/item-codec.js';
export type { EncodedItem, ItemEvent } from './telemetry/item-codec.js';
export type {
  OutputInput,
  RunOutcome,
  SafetyCheckInput,
  StepInfo,
} from './telemetry/item-inputs.js';
export { OtlpPath } from './telemetry/otlp-path.js';
export type { OtlpPathOptions, OtlpProtocol, OtlpStats } from './telemetry/otlp-path.js';
export { spansToRecord } from './telemetry/span-to-record.js';
export type { SpansToRecordOptions } from './telemetry/span-to-record.js';
export { createTracing } from './telemetry/tracing.js';
export type { Tracing, TracingOptions } from './telemetry/tracing.js';

export { ConfigError, loadConfig } from './config.js';
export type { AppConfig } from './config.js';
export { createApp } from './server/app.js';
export type { AppDeps } from './server/app.js';
export { createRuntime } from './server/runtime.js';
export type { Runtime } from './server/runtime.js';
