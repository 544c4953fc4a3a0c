import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeApng, encodePng } from '../media/png.js';
import { promptRandom } from '../media/prompt-random.js';
import { encodeWav } from '../media/wav.js';
import type { MediaBackend, MediaRequest, MediaResult } from './media-backend.js';

const num = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) ? v : fallback;

function picture(size: number, rand: () => number, phase = 0): Uint8Array {
  const rgb = new Uint8Array(size * size * 3);
  const base = [rand() * 255, rand() * 255, rand() * 255];
  const circles = Array.from({ length: 5 }, () => ({
    x: rand() * size,
    y: rand() * size,
    r: 4 + (rand() * size) / 4,
    c: [rand() * 255, rand() * 255, rand() * 255],
  }));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let c = base.map((b, i) => b * (0.6 + 0.4 * ((x + y * (i + 1)) / (size * (i + 2)))));
      for (const k of circles) {
        const dx = x - ((k.x + phase * size) % size);
        if (dx * dx + (y - k.y) ** 2 < k.r * k.r) c = k.c;
      }
      rgb.set(
        c.map((v) => Math.max(0, Math.min(255, Math.round(v)))),
        (y * size + x) * 3,
      );
    }
  }
  return rgb;
}

function tones(seconds: number, rate: number, notes: number[], noteSeconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    const f = notes[Math.floor(t / noteSeconds) % notes.length]!;
    const envelope = 1 - ((t % noteSeconds) / noteSeconds) * 0.7;
    out[i] = 0.3 * envelope * Math.sin(2 * Math.PI * f * t);
  }
  return out;
}

function blob(rand: () => number): { text: string; vertices: number; polygons: number } {
  const rings = 8;
  const segments = 12;
  const lines: string[] = ['# offline deterministic mesh (execution-history)'];
  const bumps = Array.from({ length: 4 }, () => rand() * 0.3);
  for (let i = 0; i <= rings; i++) {
    const theta = (i / rings) * Math.PI;
    for (let j = 0; j < segments; j++) {
      const phi = (j / segments) * 2 * Math.PI;
      const r = 1 + bumps[0]! * Math.sin(3 * phi) + bumps[1]! * Math.cos(2 * theta);
      lines.push(
        `v ${(r * Math.sin(theta) * Math.cos(phi)).toFixed(4)} ${(r * Math.cos(theta)).toFixed(4)} ${(r * Math.sin(theta) * Math.sin(phi)).toFixed(4)}`,
      );
    }
  }
  let polygons = 0;
  for (let i = 0; i < rings; i++) {
    for (let j = 0; j < segments; j++) {
      const a = i * segments + j + 1;
      const b = i * segments + ((j + 1) % segments) + 1;
      lines.push(`f ${a} ${b} ${b + segments} ${a + segments}`);
      polygons += 1;
    }
  }
  return { text: `${lines.join('\n')}\n`, vertices: (rings + 1) * segments, polygons };
}

/**
 * The offline media backend: small real files (PNG image, WAV sound and music, APNG video, OBJ
 * mesh) derived deterministically from the prompt and the seed. Labelled `offline` in records.
 */
export class OfflineMediaBackend implements MediaBackend {
  readonly type = 'offline';
  readonly provider = 'offline';

  async generate(req: MediaRequest): Promise<MediaResult> {
    const started = performance.now();
    const p = req.output.params;
    const rand = promptRandom(req.prompt, req.seed);
    let ext: string;
    let data: Buffer | string;
    let metadata: Record<string, unknown>;
    switch (req.output.media_type) {
      case 'image': {
        const size = Math.min(128, num(p.width, 128));
        data = encodePng(size, size, picture(size, rand));
        ext = 'png';
        metadata = {
          width: size,
          height: size,
          seed: req.seed,
          cfg_scale: p.cfg_scale ?? null,
          steps: p.steps ?? null,
          sampler: p.sampler ?? null,
          format: 'png',
          requested_width: p.width ?? null,
          requested_height: p.height ?? null,
        };
        break;
      }
      case 'video': {
        const size = Math.min(96, num(p.width, 96));
        const fps = num(p.fps, 8);
        const seconds = Math.min(2, num(p.duration_seconds, 1));
        const frames = Array.from({ length: Math.max(2, Math.round(fps * seconds)) }, (_, i) =>
          picture(size, promptRandom(req.prompt, req.seed), i / (fps * seconds)),
        );
        data = encodeApng(size, size, frames, fps);
        ext = 'png';
        metadata = {
          duration_seconds: seconds,
          width: size,
          height: size,
          fps,
          format: 'apng',
          seed: req.seed,
        };
        break;
      }
      case 'audio':
      case 'music': {
        const rate = num(p.sample_rate, 22_050);
        const seconds = Math.min(5, num(p.duration_seconds, 3));
        const scale = [262, 294, 330, 349, 392, 440, 494, 523];
        const notes = Array.from({ length: 8 }, () => scale[Math.floor(rand() * scale.length)]!);
        const tempo = num(p.tempo_bpm, 96);
        data = encodeWav(
          tones(seconds, rate, notes, req.output.media_type === 'music' ? 60 / tempo : seconds / 2),
          rate,
        );
        ext = 'wav';
        metadata =
          req.output.media_type === 'music'
            ? {
                duration_seconds: seconds,
                genre: p.genre ?? null,
                tempo_bpm: tempo,
                sample_rate: rate,
                format: 'wav',
                seed: req.seed,
              }
            : {
                duration_seconds: seconds,
                sample_rate: rate,
                channels: 1,
                format: 'wav',
                seed: req.seed,
              };
        break;
      }
      case '3d': {
        const mesh = blob(rand);
        data = mesh.text;
        ext = 'obj';
        metadata = {
          format: 'obj',
          vertices: mesh.vertices,
          polygons: mesh.polygons,
          seed: req.seed,
        };
        break;
      }
    }
    const filePath = join(req.directory, `${req.fileStem}.${ext}`);
    await writeFile(filePath, data);
    return {
      filePath,
      mediaType: req.output.media_type,
      model: `offline:${req.output.model}`,
      generationSeconds: (performance.now() - started) / 1000,
      metadata,
    };
  }
}
