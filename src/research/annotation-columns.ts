import type { Annotation } from '../domain/annotation.js';
import type { TableSpec } from './table-column.js';

/** One row of `annotations.csv`: an annotation and the reviewer as the bundle names them. */
export interface AnnotationRow {
  annotation: Annotation;
  /** The reviewer's name, or their study pseudonym. */
  reviewer: string;
}

const valueText = (v: Annotation['value']): string => (typeof v === 'string' ? v : String(v));

/** `annotations.csv`: one row per annotation on an exported run (deleted ones left out). */
export const ANNOTATIONS_TABLE: TableSpec<AnnotationRow> = {
  name: 'annotations',
  row: 'one reviewer’s judgment of a run, an output or an item on one rubric item',
  columns: [
    {
      name: 'annotation_id',
      type: 'VARCHAR',
      description: 'id of the annotation',
      get: (r) => r.annotation.annotation_id,
    },
    {
      name: 'execution_id',
      type: 'VARCHAR',
      description: 'the run judged; joins runs.execution_id',
      get: (r) => r.annotation.execution_id,
    },
    {
      name: 'rubric',
      type: 'VARCHAR',
      description: 'rubric id (configs/rubrics/<id>.json)',
      get: (r) => r.annotation.rubric,
    },
    {
      name: 'rubric_version',
      type: 'VARCHAR',
      description: 'the rubric’s version when judged',
      get: (r) => r.annotation.rubric_version,
    },
    { name: 'key', type: 'VARCHAR', description: 'rubric item', get: (r) => r.annotation.key },
    {
      name: 'target_sequence_number',
      type: 'INTEGER',
      description: 'the item judged (joins items.sequence_number); empty for a run or an output',
      get: (r) =>
        r.annotation.target && 'sequence_number' in r.annotation.target
          ? r.annotation.target.sequence_number
          : null,
    },
    {
      name: 'target_loop_iteration',
      type: 'INTEGER',
      description: 'the output judged; empty for a run or an item',
      get: (r) =>
        r.annotation.target && 'loop_iteration' in r.annotation.target
          ? r.annotation.target.loop_iteration
          : null,
    },
    {
      name: 'value',
      type: 'VARCHAR',
      description: 'the judgment (a rubric value, a number, true/false or a text)',
      get: (r) => valueText(r.annotation.value),
    },
    {
      name: 'note',
      type: 'VARCHAR',
      description: 'the reviewer’s note',
      freeText: true,
      get: (r) => r.annotation.note,
    },
    {
      name: 'reviewer',
      type: 'VARCHAR',
      description: 'the reviewer (a study pseudonym when the bundle has a study key)',
      get: (r) => r.reviewer,
    },
    {
      name: 'created_at',
      type: 'VARCHAR',
      description: 'when judged (ISO 8601, UTC)',
      get: (r) => r.annotation.created_at,
    },
    {
      name: 'updated_at',
      type: 'VARCHAR',
      description: 'when last changed (ISO 8601, UTC)',
      get: (r) => r.annotation.updated_at,
    },
  ],
};
