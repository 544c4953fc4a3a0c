import { TAXONOMY_VERSION } from '../domain/execution-record.js';
import { TOOL_NAME, TOOL_VERSION } from './tool-info.js';
import type { XlsxCounts } from './xlsx-tables.js';

/** One file of the bundle as the manifest lists it. */
export interface BundleFile {
  name: string;
  bytes: number;
  sha256: string;
}

/** `manifest.json` of a research bundle. */
export interface BundleManifest {
  bundle_format: 1;
  tool: { name: string; version: string };
  taxonomy_version: string;
  created_at: string;
  /** The list filters the bundle was made with, as given. */
  filters: Record<string, unknown>;
  pseudonymized: boolean;
  free_text_omitted: boolean;
  counts: {
    /** Records the filters matched when the export started. */
    matching: number;
    records: number;
    items: number;
    /** Rows of annotations.csv (live annotations on the exported runs). */
    annotations: number;
    /** Listed records that could not be read (each is an error line in records.jsonl). */
    errors: number;
    /** Files of the store that are no readable record at all (not matched against filters). */
    store_unreadable_files: number;
  };
  errors: { execution_id: string; message: string }[];
  /** Media in the bundle (with `--media`); null when media were not asked for. */
  media: {
    files: number;
    bytes: number;
    /** Outputs whose file was not in the media folder. */
    missing: number;
    /** Outputs left out as the bundle's media limit was reached. */
    over_limit: number;
  } | null;
  /** What `runs.xlsx` and `items.xlsx` changed to open in Excel. */
  xlsx: XlsxCounts;
  /** Every other file of the bundle (media too), with its size and SHA-256. */
  files: BundleFile[];
}

/** The manifest of a bundle, from what the export counted and the files it wrote. */
export function buildManifest(input: {
  createdAt: Date;
  filters: Record<string, unknown>;
  pseudonymized: boolean;
  omitText: boolean;
  counts: BundleManifest['counts'];
  errors: BundleManifest['errors'];
  files: BundleFile[];
  media: BundleManifest['media'];
  xlsx: XlsxCounts;
}): BundleManifest {
  return {
    bundle_format: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    taxonomy_version: TAXONOMY_VERSION,
    created_at: input.createdAt.toISOString(),
    filters: input.filters,
    pseudonymized: input.pseudonymized,
    free_text_omitted: input.omitText,
    counts: input.counts,
    errors: input.errors,
    media: input.media,
    xlsx: input.xlsx,
    files: input.files,
  };
}
