import type { OutputMediaType } from '../../domain/media-type.js';
import type { OutputConfig } from '../catalog-schemas.js';

/** What stage 4 asks a media backend to make. */
export interface MediaRequest {
  output: OutputConfig;
  prompt: string;
  seed: number;
  /** Directory for this run's media (created by the caller). */
  directory: string;
  /** File name without extension, unique within the run. */
  fileStem: string;
}

/** What was really produced. */
export interface MediaResult {
  filePath: string;
  /** The medium of the file really produced (not guessed from the config name). */
  mediaType: OutputMediaType;
  model: string;
  /** Seconds of generation (not of submission or download). */
  generationSeconds: number;
  metadata: Record<string, unknown>;
}

/** A media generation backend. */
export interface MediaBackend {
  /** Backend type recorded in items (`offline`, `comfyui`). */
  readonly type: string;
  /** `gen_ai.provider.name`. */
  readonly provider: string;
  generate(request: MediaRequest, signal?: AbortSignal): Promise<MediaResult>;
}

const BY_EXTENSION: Readonly<Record<string, OutputMediaType>> = {
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  webp: 'image',
  wav: 'audio',
  mp3: 'audio',
  flac: 'audio',
  ogg: 'audio',
  opus: 'audio',
  mp4: 'video',
  webm: 'video',
  gif: 'video',
  mov: 'video',
  apng: 'video',
  obj: '3d',
  glb: '3d',
  gltf: '3d',
  ply: '3d',
  stl: '3d',
};

/**
 * The medium of a produced file, from its extension; audio counts as music when the config asked
 * for music; an unknown extension falls back to what the config asked for.
 */
export function producedMediaType(fileName: string, requested: OutputMediaType): OutputMediaType {
  const ext = fileName.split('.').pop()?.toLowerCase() ?? '';
  const found = BY_EXTENSION[ext];
  if (!found) return requested;
  if (found === 'audio' && requested === 'music') return 'music';
  if (found === 'image' && requested === 'video' && ext === 'png') return 'video'; // APNG
  return found;
}
