// The tests' one polling helper: a condition and a deadline (shared with the benchmarks).
export { eventually, type EventuallyOptions } from '../../bench/shared/eventually.js';
