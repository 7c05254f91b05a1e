/**
 * The Kalman filter and smoother a generated linear-Gaussian chain fitter inlines in both forms:
 * the runtime's linear-gaussian/kalman.ts (`KalmanWorkspace`, `KalmanParams` and what they use:
 * dense.ts, math/cholesky.ts), read from the runtime's sources by the inliner
 * (inline/runtime-source.ts, requested through `statementHelpers` in runtime-inline.ts), so that
 * the generated E-step performs the runtime's floating-point operations in the runtime's order.
 */
import type { StatementStructure } from './fitter-source.js';
import { KALMAN_HELPER } from './runtime-inline.js';

/**
 * The place of the Kalman workspace in the fitter: a note where the lowering puts it; the
 * declarations themselves are resolved with the other runtime helpers (once each, no clash).
 */
export function kalmanHelpers(): StatementStructure[] {
  return [
    {
      kind: 'raw',
      name: KALMAN_HELPER,
      text: "// KalmanWorkspace and KalmanParams are the runtime's linear-gaussian/kalman.ts, inlined at the top of this file.",
    },
  ];
}
