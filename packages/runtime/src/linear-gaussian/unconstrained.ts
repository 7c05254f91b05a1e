/**
 * The unconstrained parameterisation of a linear-Gaussian program's free params, for SQUAREM:
 * the same element bijections as the mixture executor (em/unconstrained.ts: identity for
 * `real`, log for `positive`, log-ratio for `simplex`, log-Cholesky for `cov`); fixed params
 * are left out and restored exactly.
 */
import type { ParamValues } from '../em/mixture.js';
import { transforms, type Unconstrained } from '../em/unconstrained.js';
import type { ModelValues } from './model-values.js';

export function makeLgUnconstrained(mv: ModelValues, fixed: ParamValues): Unconstrained {
  const layout = [...mv.params.values()]
    .filter((p) => fixed[p.spec.name] === undefined)
    .map((p) => {
      const t = transforms[p.spec.element];
      return { p, t, m: t.free(p.elementLength), elements: p.length / p.elementLength };
    });
  const length = layout.reduce((a, { m, elements }) => a + m * elements, 0);
  return {
    unconstrain(values) {
      const u = new Float64Array(length);
      let k = 0;
      for (const { p, t, m, elements } of layout) {
        const v = values[p.spec.name]!;
        for (let e = 0; e < elements; e++, k += m)
          t.forward(v.subarray(e * p.elementLength, (e + 1) * p.elementLength), u.subarray(k, k + m));
      }
      return u;
    },
    constrain(u) {
      const out: Record<string, Float64Array> = {};
      for (const [name, v] of Object.entries(fixed)) out[name] = v.slice();
      let k = 0;
      for (const { p, t, m, elements } of layout) {
        const v = new Float64Array(p.length);
        for (let e = 0; e < elements; e++, k += m)
          if (!t.inverse(u.subarray(k, k + m), v.subarray(e * p.elementLength, (e + 1) * p.elementLength)))
            return undefined;
        out[p.spec.name] = v;
      }
      return out;
    },
  };
}
