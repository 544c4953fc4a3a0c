// Shared with the benchmarks (bench/shared/postgres.ts).
export {
  postgresBinaries,
  startLocalPostgres,
  startTestPostgres,
  type TestPostgres,
  type LocalPostgres,
} from '../../bench/shared/postgres.js';
