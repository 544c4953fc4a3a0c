/** An item of a record, as the API sends it. */
export interface Item {
  sequence_number: number;
  timestamp: string;
  stage: number;
  stage_iteration: number | null;
  loop_iteration: number | null;
  media_type: string;
  item_type: string;
  content: string | null;
  file_path: string | null;
  config_used: string | null;
  model_used: string | null;
  backend_type: string | null;
  execution_time: number | null;
  metadata: Record<string, unknown>;
}

/** A record, as `GET /api/executions/:id` sends it. */
export interface RunRecord {
  execution_id: string;
  config_name: string;
  timestamp: string;
  user_id: string;
  session_id: string;
  execution_mode: string;
  safety_level: string;
  used_seed: number | null;
  total_execution_time: number | null;
  items: Item[];
  trace_id: string | null;
  trace_url: string | null;
  status: string | null;
}

/** A row of `GET /api/executions`: the store's summary, as the API sends it. */
export type { RecordSummary as RunSummary } from '../../src/store/record-store.js';

/** A stream `state` event. */
export interface RunState {
  stage: number;
  step: string;
  progress: string;
}
