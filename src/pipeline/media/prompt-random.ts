import { createHash } from 'node:crypto';

/** A deterministic pseudo-random source derived from a prompt and a seed (mulberry32). */
export function promptRandom(prompt: string, seed: number): () => number {
  let state = createHash('sha256').update(`${seed}:${prompt}`).digest().readUInt32BE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
