/** @emforge/cli — the emforge command as a library (for tests and embedding), and the fit API. */
export {
  type ApiFitOptions,
  type CompiledModel,
  compile,
  type FitOptions,
  type IterationInfo,
  ModelError,
} from './api.js';
export { type CapturedIo, type CliIo, captureIo, processIo } from './cli-io.js';
export * from './data/index.js';
export { ExitCode } from './exit-codes.js';
export { cliVersion, main } from './main.js';
export { type ModelSummary, summarizeModel } from './model-summary.js';
