import type { ExecutionRecord } from '../domain/execution-record.js';
import {
  allBackends,
  configVersion,
  firstBlock,
  languageChain,
  metaText,
  offlineOnly,
  outputsOf,
  stageTools,
} from './run-facts.js';
import type { TableColumn } from './table-column.js';

type Column = TableColumn<ExecutionRecord>;

const LIST = 'several values: distinct, in order of first use, joined by ";"';

function tools(stage: number, what: string): Column[] {
  return [
    {
      name: `stage${stage}_backend`,
      type: 'VARCHAR',
      description: `backend(s) of the stage ${stage} items (${what})`,
      values: `e.g. offline, ollama, openrouter, comfyui; ${LIST}`,
      get: (r) => stageTools(r, stage, 'backend_type'),
    },
    {
      name: `stage${stage}_model`,
      type: 'VARCHAR',
      description: `model(s) of the stage ${stage} items (${what})`,
      values: LIST,
      get: (r) => stageTools(r, stage, 'model_used'),
    },
  ];
}

const outputs = (medium: string): Column => ({
  name: `outputs_${medium}`,
  type: 'INTEGER',
  description: `stage 4 outputs of medium ${medium} (output_${medium} items)`,
  get: (r) => outputsOf(r, medium),
});

/**
 * The runs table's columns for analysis: study, backends and models per stage, outputs per
 * medium, the block, the config's version and the language chain, each a plain value.
 */
export const RUN_ANALYSIS_COLUMNS: readonly Column[] = [
  {
    name: 'study_id',
    type: 'VARCHAR',
    description: 'the study the run was made for (execute request study_id); empty when none',
    get: (r) => r.study_id ?? null,
  },
  {
    name: 'condition',
    type: 'VARCHAR',
    description: 'the study condition (arm) of the run; empty when none',
    get: (r) => r.condition ?? null,
  },
  {
    name: 'config_version',
    type: 'VARCHAR',
    description:
      "SHA-256 (64 hex) of the interception config's content as loaded, from the stage 2 items; empty for records without it (legacy, blocked in stage 1)",
    get: configVersion,
  },
  {
    name: 'backends',
    type: 'VARCHAR',
    description: 'every backend the run used',
    values: LIST,
    get: allBackends,
  },
  {
    name: 'offline_only',
    type: 'BOOLEAN',
    description:
      'every recorded backend is offline (a demo run without models); empty when no backend is recorded',
    values: 'true, false',
    get: offlineOnly,
  },
  ...tools(1, 'translation, safety checks'),
  ...tools(2, 'interception, Stille Post'),
  ...tools(3, 'safety check before output'),
  ...tools(4, 'generation'),
  outputs('image'),
  outputs('audio'),
  outputs('music'),
  outputs('video'),
  outputs('3d'),
  {
    name: 'blocked_stage',
    type: 'INTEGER',
    description: 'stage of the first block (stage1_blocked, else the first stage3_blocked)',
    values: '1, 3; empty when nothing was blocked',
    get: (r) => firstBlock(r)?.stage ?? null,
  },
  {
    name: 'blocked_reason',
    type: 'VARCHAR',
    description: 'reason code of the first block (metadata blocked_reason)',
    values: '§86a_violation, age_inappropriate, safety_check_unavailable',
    get: (r) => metaText(firstBlock(r), 'blocked_reason'),
  },
  {
    name: 'blocked_category',
    type: 'VARCHAR',
    description: 'safety category of the first block (metadata category)',
    values:
      'a category of configs/safety/categories.json (e.g. violence, weapons, hate), model_verdict, check_unavailable',
    get: (r) => metaText(firstBlock(r), 'category'),
  },
  {
    name: 'blocked_codes',
    type: 'VARCHAR',
    description: 'codes of the first block (§86a codes or the categories found)',
    values: LIST,
    get: (r) => metaText(firstBlock(r), 'blocked_codes'),
  },
  {
    name: 'language_chain',
    type: 'VARCHAR',
    description:
      "languages the prompt passed through: the child's, the translation's, then each Stille Post step's target",
    values: 'ISO 639-1 codes joined by ">", e.g. de>en>fr>nl>en',
    get: languageChain,
  },
];
