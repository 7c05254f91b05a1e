/**
 * `withStandardErrors(program, data, fit, options)`: adds the standard errors of the fitted
 * params (standard-errors.ts) to a `ProgramFit` of any kind — `fitAnyProgram` calls it when
 * `options.standardErrors` is set. The result gains `standardErrors` (each free param in its
 * declared shape, `null` where not defined) and `seMethod` right after `params`, and the
 * warnings of the computation; fixed params get none. The objective differentiated is the one
 * the program maximised: the log posterior when some param has a prior.
 */
import type { BoundData } from '../data/bind-data.js';
import type { EmFitOptions, ProgramFit } from '../em/fit.js';
import { flattenValue } from '../em/fit-result.js';
import { resolveDim } from '../em/mixture.js';
import type { Program } from '../em/program.js';
import { objectiveEvaluator } from './objective-at.js';
import { computeStandardErrors, type SeParam, type StandardErrors } from './standard-errors.js';

/** The standard errors of `fit`'s params, or undefined (with the reason) for a kind without an objective hook. */
export function standardErrorsOf(
  program: Program,
  data: BoundData,
  fit: ProgramFit,
  options: Pick<EmFitOptions, 'fixed'> = {},
): StandardErrors | { readonly unavailable: string } {
  const objectiveAt = objectiveEvaluator(program, data);
  if (!objectiveAt) return { unavailable: `standard errors are not available for '${program.kind}' programs yet` };
  const params: SeParam[] = program.params.map((p) => ({
    name: p.name,
    element: p.element,
    dims: p.dims.map((d) => resolveDim(d, data.sizes)),
    shape: p.shape.map((d) => resolveDim(d, data.sizes)),
  }));
  const values = Object.fromEntries(
    Object.entries(fit.result.params).map(([name, v]) => [name, Float64Array.from(flattenValue(v))]),
  );
  return computeStandardErrors({
    params,
    values,
    fixed: new Set(Object.keys(options.fixed ?? {})),
    objectiveAt,
    objective: program.objective === 'log-posterior' ? 'log-posterior' : 'log-likelihood',
  });
}

/** `fit` with `standardErrors` and `seMethod` in its result (placed after `params`) and their warnings. */
export function withStandardErrors(
  program: Program,
  data: BoundData,
  fit: ProgramFit,
  options: EmFitOptions = {},
): ProgramFit {
  const se = standardErrorsOf(program, data, fit, options);
  if ('unavailable' in se)
    return { ...fit, result: { ...fit.result, warnings: [...fit.result.warnings, se.unavailable] } };
  const notes: string[] = [];
  if (!fit.result.converged) notes.push('the fit did not converge: the standard errors are those at its last params');
  if ((options.variant ?? 'em') !== 'em') {
    notes.push(
      `the standard errors are those of the observed-data objective at the '${options.variant}' variant's params, which do not maximise it`,
    );
  }
  const entries = Object.entries(fit.result).flatMap(([key, value]): [string, unknown][] =>
    key === 'params'
      ? [
          [key, value],
          ['standardErrors', se.standardErrors],
          ['seMethod', se.seMethod],
        ]
      : key === 'warnings'
        ? [[key, [...fit.result.warnings, ...notes, ...se.warnings]]]
        : [[key, value]],
  );
  return { ...fit, result: Object.fromEntries(entries) as unknown as ProgramFit['result'] };
}
