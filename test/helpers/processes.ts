// Shared with the benchmarks (bench/shared/processes.ts).
export {
  ROOT,
  freePort,
  jaegerBinary,
  collectorBinary,
  pythonClient,
  researchPython,
  goExampleBinary,
  startProcess,
  answers,
  type Proc,
} from '../../bench/shared/processes.js';
