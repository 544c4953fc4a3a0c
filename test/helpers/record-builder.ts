// Shared with the benchmarks (bench/shared/record-builder.ts).
export { buildItem, buildRecord } from '../../bench/shared/record-builder.js';
