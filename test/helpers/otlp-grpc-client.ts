// Shared with the benchmarks (bench/shared/otlp-grpc-client.ts).
export { exportCall, type Answer } from '../../bench/shared/otlp-grpc-client.js';
