import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import type { RecordStore, RecordSummary, StoreStats } from '../store/record-store.js';
import { toHttpError } from './error-handler.js';
import { HttpError } from './http-error.js';

/** A list entry as the earlier server's `/api/executions` answered it (taxonomy 1.0 keys). */
export interface LegacySummary {
  execution_id: string;
  config_name: string;
  timestamp: string;
  execution_mode: string;
  safety_level: string;
  user_id: string;
  session_id: string;
  total_execution_time: number | null;
  items_count: number;
  taxonomy_version: string;
}

/** The legacy summary of a store summary (reads the record for its taxonomy version). */
export async function legacySummary(store: RecordStore, s: RecordSummary): Promise<LegacySummary> {
  const version = (await store.get(s.execution_id).catch(() => null))?.taxonomy_version ?? '1.0';
  return {
    execution_id: s.execution_id,
    config_name: s.config_name,
    timestamp: s.timestamp,
    execution_mode: s.execution_mode,
    safety_level: s.safety_level,
    user_id: s.user_id,
    session_id: s.session_id,
    total_execution_time: s.total_execution_time,
    items_count: s.items_count,
    taxonomy_version: version,
  };
}

/** The earlier server's stats keys. */
export function legacyStats(stats: StoreStats) {
  return {
    total_records: stats.records,
    total_size_bytes: stats.bytes,
    total_size_mb: Math.round((stats.bytes / 1024 / 1024) * 100) / 100,
  };
}

const PARAMETER_ERRORS: Record<string, { error: string; details: string }> = {
  limit: { error: 'Invalid limit parameter', details: 'Limit must be between 1 and 100' },
  offset: { error: 'Invalid offset parameter', details: 'Offset must be >= 0' },
  date: { error: 'Invalid date format', details: 'Date must be in format YYYY-MM-DD' },
};

/** The earlier server's error body for an API error: `{error, details?, execution_id?, ...}`. */
export function legacyErrorBody(
  http: ReturnType<typeof toHttpError>,
  executionId: string | undefined,
): Record<string, unknown> {
  switch (http.code) {
    case 'not_found':
      return executionId
        ? { error: 'Execution not found', execution_id: executionId }
        : { error: 'Not found', details: http.message };
    case 'invalid_query': {
      const issues = (http.details ?? []) as { path?: PropertyKey[] }[];
      const param = String(issues[0]?.path?.[0] ?? '');
      return PARAMETER_ERRORS[param] ?? { error: 'Invalid parameters', details: http.message };
    }
    case 'unknown_query_parameter':
      return {
        error: 'Unknown query parameters',
        details: http.message,
        unknown: (http.details as { unknown: string[] }).unknown,
      };
    case 'unsupported_format':
      return {
        error: 'Invalid export format',
        format: (http.details as { format?: string } | undefined)?.format,
        supported_formats: ['json', 'xml', 'jsonl'],
      };
    case 'invalid_execution_id':
      return { error: 'Invalid execution id', execution_id: executionId, details: http.message };
    case 'record_unreadable':
      return {
        error: 'Failed to fetch execution',
        execution_id: executionId,
        details: http.message,
      };
    default:
      return { error: http.message };
  }
}

/** Error middleware of the legacy `/api/runs` mount: the earlier server's error bodies. */
export function legacyErrorHandler(logger: Logger | undefined): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    // A refused call answers in the one error body shape on every mount.
    if (error instanceof HttpError && (error.code === 'unauthorized' || error.code === 'forbidden'))
      return next(error);
    const http = toHttpError(error);
    if (http.status >= 500)
      logger?.error({ err: error, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const segment = /^\/([^/]+)/.exec(req.path)?.[1];
    const id = segment === 'stats' || segment === 'export' ? undefined : segment;
    res.status(http.status).json(legacyErrorBody(http, id));
  };
}
