/**
 * An unconstrained parameterisation of a mixture's params, for SQUAREM's extrapolation: each
 * element type has a bijection onto ℝ^m, so any extrapolated vector maps back to valid params.
 * `real` identity; `positive` log; `prob` logit; `simplex[K]` additive log-ratio against the
 * last entry (K − 1 values); `cov[D]` the Cholesky factor with a log diagonal (D(D+1)/2 values).
 * Fixed params are left out and restored exactly. A value on the boundary (a zero weight, a
 * singular covariance) maps to a non-finite coordinate; the accelerator then falls back to EM.
 */
import type { TypeBase } from '../distributions/type-pattern.js';
import type { Mixture, ParamValues } from './mixture.js';

export interface ElementTransform {
  /** Unconstrained values of one element of `size` entries. */
  readonly free: (size: number) => number;
  readonly forward: (x: Float64Array, out: Float64Array) => void;
  /** false when `u` maps to no valid element. */
  readonly inverse: (u: Float64Array, out: Float64Array) => boolean;
}

const elementwise = (f: (x: number) => number, g: (u: number) => number): ElementTransform => ({
  free: (size) => size,
  forward: (x, out) => {
    for (let j = 0; j < out.length; j++) out[j] = f(x[j]!);
  },
  inverse: (u, out) => {
    for (let j = 0; j < out.length; j++) out[j] = g(u[j]!);
    return out.every(Number.isFinite);
  },
});

const identity = elementwise(
  (x) => x,
  (u) => u,
);

const simplex: ElementTransform = {
  free: (size) => size - 1,
  forward: (x, out) => {
    const last = Math.log(x[x.length - 1]!);
    for (let j = 0; j < out.length; j++) out[j] = Math.log(x[j]!) - last;
  },
  inverse: (u, out) => {
    const max = Math.max(0, ...u);
    let total = Math.exp(-max);
    out[out.length - 1] = total;
    for (let j = 0; j < u.length; j++) total += out[j] = Math.exp(u[j]! - max);
    for (let j = 0; j < out.length; j++) out[j]! /= total;
    return out.every(Number.isFinite);
  },
};

const dimOf = (size: number) => Math.round(Math.sqrt(size));

const cholesky: ElementTransform = {
  free: (size) => (dimOf(size) * (dimOf(size) + 1)) / 2,
  forward: (x, out) => {
    const d = dimOf(x.length);
    const l = new Float64Array(d * d);
    let k = 0;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        let s = x[i * d + j]!;
        for (let m = 0; m < j; m++) s -= l[i * d + m]! * l[j * d + m]!;
        l[i * d + j] = i === j ? Math.sqrt(s) : s / l[j * d + j]!;
        out[k++] = i === j ? Math.log(l[i * d + j]!) : l[i * d + j]!;
      }
    }
  },
  inverse: (u, out) => {
    const d = dimOf(out.length);
    const l = new Float64Array(d * d);
    let k = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) l[i * d + j] = i === j ? Math.exp(u[k++]!) : u[k++]!;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let m = 0; m <= j; m++) s += l[i * d + m]! * l[j * d + m]!;
        out[i * d + j] = s;
        out[j * d + i] = s;
      }
    }
    return out.every(Number.isFinite);
  },
};

export const transforms: Readonly<Record<TypeBase, ElementTransform>> = {
  real: identity,
  int: identity,
  count: identity,
  cat: identity,
  positive: elementwise(Math.log, Math.exp),
  prob: elementwise(
    (x) => Math.log(x) - Math.log1p(-x),
    (u) => 1 / (1 + Math.exp(-u)),
  ),
  simplex,
  cov: cholesky,
};

export interface Unconstrained {
  unconstrain(values: ParamValues): Float64Array;
  constrain(u: Float64Array): ParamValues | undefined;
}

/** The bijection for the mixture's free params; `fixed` params are copied back as given. */
export function makeUnconstrained(mix: Pick<Mixture, 'params'>, fixed: ParamValues): Unconstrained {
  const free = mix.params.filter((p) => fixed[p.spec.name] === undefined);
  const layout = free.map((p) => ({
    p,
    t: transforms[p.spec.element],
    m: transforms[p.spec.element].free(p.elementSize),
  }));
  const length = layout.reduce((a, { p, m }) => a + m * p.elements, 0);
  return {
    unconstrain(values) {
      const u = new Float64Array(length);
      let k = 0;
      for (const { p, t, m } of layout) {
        const v = values[p.spec.name]!;
        for (let e = 0; e < p.elements; e++, k += m) {
          t.forward(v.subarray(e * p.elementSize, (e + 1) * p.elementSize), u.subarray(k, k + m));
        }
      }
      return u;
    },
    constrain(u) {
      const out: Record<string, Float64Array> = {};
      for (const [name, v] of Object.entries(fixed)) out[name] = v.slice();
      let k = 0;
      for (const { p, t, m } of layout) {
        const v = new Float64Array(p.values.length);
        for (let e = 0; e < p.elements; e++, k += m) {
          if (!t.inverse(u.subarray(k, k + m), v.subarray(e * p.elementSize, (e + 1) * p.elementSize)))
            return undefined;
        }
        out[p.spec.name] = v;
      }
      return out;
    },
  };
}
