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
export { openRecordStore } from './store/open-record-store.js';
export type { OpenRecordStoreOptions, ServerRecordStore } from './store/open-record-store.js';
export { PostgresRecordStore } from './store/postgres-record-store.js';
export type { PostgresRecordStoreOptions } from './store/postgres-record-store.js';
export { StoreUnavailableError } from './store/postgres/store-unavailable-error.js';
export { InvalidExecutionIdError } from './store/record-store.js';
export type {
  RecordChange,
  RecordPage,
  RecordQuery,
  RecordStore,
  RecordSummary,
  StoreStats,
} from './store/record-store.js';

export { ContentPolicySpanExporter, redactSpan } from './telemetry/otlp/content-policy.js';
export type { ContentPolicy } from './telemetry/otlp/content-policy.js';
export { ExecutionRecordExporter } from './telemetry/record/execution-record-exporter.js';
export type {
  ExecutionRecordExporterOptions,
  RecordExporterStats,
} from './telemetry/record/execution-record-exporter.js';
export { ExecutionTracker } from './telemetry/tracker/execution-tracker.js';
export type {
  BackendCall,
  BackendUsage,
  ErrorPlace,
  ExecutionTrackerOptions,
  ItemListener,
  StageOptions,
} from './telemetry/tracker/execution-tracker.js';
export { decodeItem, encodeItem } from './telemetry/tracker/item-codec.js';
export type { EncodedItem, ItemEvent } from './telemetry/tracker/item-codec.js';
export type {
  OutputInput,
  RunOutcome,
  SafetyCheckInput,
  StepInfo,
} from './telemetry/tracker/item-inputs.js';
export { OtlpPath } from './telemetry/otlp/otlp-path.js';
export type { OtlpPathOptions, OtlpProtocol, OtlpStats } from './telemetry/otlp/otlp-path.js';
export { spansToRecord } from './telemetry/record/span-to-record.js';
export type { SpansToRecordOptions } from './telemetry/record/span-to-record.js';
export { createTracing } from './telemetry/tracing.js';
export type { Tracing, TracingOptions } from './telemetry/tracing.js';

export { toCompatRecord, COMPAT_VERSION } from './research/compat-record.js';
export type { CompatRecord, CompatItem } from './research/compat-record.js';
export { recordEntries, countMatching } from './research/record-entries.js';
export type { RecordEntry, RecordEntriesOptions } from './research/record-entries.js';
export { jsonLine, jsonLines } from './research/json-lines.js';
export { recordToQdaXml, qdaXmlDocument } from './research/qda-xml.js';
export { writeBundle, BUNDLE_FILES } from './research/research-bundle.js';
export type { BundleOptions, BundleOutput } from './research/research-bundle.js';
export type { BundleManifest } from './research/bundle-manifest.js';
export { folderOutput, zipOutput } from './research/bundle-outputs.js';
export { ZipWriter } from './research/zip-writer.js';
export { writeQdpx } from './research/refi-qda-project.js';
export type { QdpxOptions, QdpxCounts } from './research/refi-qda-project.js';
export type { BundleMediaOptions } from './research/bundle-media.js';
export { pseudonym } from './research/pseudonyms.js';
export { CHILD_TEXT_METADATA_KEYS, withoutChildText } from './domain/child-text-fields.js';
export type { ChildTextMetadataKey } from './domain/child-text-fields.js';

export { eraseSubject } from './lifecycle/erase-subject.js';
export type { ErasureSubject, EraseOptions } from './lifecycle/erase-subject.js';
export { ErasureLog, ErasureEntrySchema } from './lifecycle/erasure-log.js';
export type { ErasureEntry } from './lifecycle/erasure-log.js';
export { applyRetention } from './lifecycle/retention.js';
export type { RetentionOptions } from './lifecycle/retention.js';
export { startRetention } from './lifecycle/retention-schedule.js';
export type {
  RetentionSchedule,
  RetentionScheduleOptions,
} from './lifecycle/retention-schedule.js';
export { normalizeForFilter } from './pipeline/normalize-for-filter.js';

export { AnnotationSchema, AnnotationTargetSchema } from './domain/annotation.js';
export type { Annotation, AnnotationTarget, AnnotationValue } from './domain/annotation.js';
export type { AnnotationQuery, AnnotationStore } from './store/annotation-store.js';
export { RubricSchema, RubricItemSchema } from './review/rubric.js';
export type { Rubric, RubricItem, Rubrics } from './review/rubric.js';
export { loadRubrics, RubricError } from './review/rubric-loader.js';
export { cohenKappa, fleissKappa, krippendorffAlpha } from './review/agreement.js';
export type { AlphaMetric, RatingValue } from './review/agreement.js';
export { agreementReport } from './review/agreement-report.js';
export type { AgreementReport, Disagreement } from './review/agreement-report.js';
