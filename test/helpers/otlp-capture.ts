// Shared with the benchmarks (bench/shared/otlp-capture.ts).
export { startOtlpCapture, type CapturedRequest } from '../../bench/shared/otlp-capture.js';
