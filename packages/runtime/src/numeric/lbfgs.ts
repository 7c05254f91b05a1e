/**
 * A compact L-BFGS maximiser (Nocedal & Wright 2006, algorithm 7.4/7.5) with a backtracking
 * Armijo line search, for the numeric M-step: maximises f over ℝ^m from x0. `evaluate(x, grad)`
 * returns f(x) and writes ∇f(x) into grad; a non-finite value is treated as a failed trial step
 * (the step is halved). Every accepted step increases f (Armijo), so the result is never worse
 * than x0. Deterministic: no randomness, a fixed order of float operations.
 */

export interface LbfgsOptions {
  /** Stop when the largest |gradient entry| is below gtol · max(1, |f|) (default 1e-9). */
  readonly gtol?: number;
  /** Stop when a step changes f by less than ftol · max(1, |f|) (default 1e-13). */
  readonly ftol?: number;
  readonly maxIter?: number;
  /** Correction pairs kept (default 8). */
  readonly memory?: number;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

const dotp = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

const maxAbs = (a: Float64Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
};

export function lbfgsMaximize(
  evaluate: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const m = x0.length;
  const gtol = options.gtol ?? 1e-9;
  const ftol = options.ftol ?? 1e-13;
  const maxIter = options.maxIter ?? 200;
  const memory = options.memory ?? 8;
  const x = x0.slice();
  const g = new Float64Array(m);
  let f = evaluate(x, g);
  if (!Number.isFinite(f) || m === 0) return { x, value: f, iterations: 0, converged: m === 0 };
  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  const dir = new Float64Array(m);
  const xNew = new Float64Array(m);
  const gNew = new Float64Array(m);
  for (let iter = 0; iter < maxIter; iter++) {
    if (maxAbs(g) <= gtol * Math.max(1, Math.abs(f))) return { x, value: f, iterations: iter, converged: true };
    // Two-loop recursion on the ascent direction: dir = H · g.
    dir.set(g);
    for (let k = sHist.length - 1; k >= 0; k--) {
      alpha[k] = rho[k]! * dotp(sHist[k]!, dir);
      const y = yHist[k]!;
      for (let i = 0; i < m; i++) dir[i]! -= alpha[k]! * y[i]!;
    }
    if (sHist.length > 0) {
      const last = sHist.length - 1;
      const gamma = dotp(sHist[last]!, yHist[last]!) / dotp(yHist[last]!, yHist[last]!);
      for (let i = 0; i < m; i++) dir[i]! *= gamma;
    } else {
      // First step: at most a unit move in the largest coordinate.
      const scale = 1 / Math.max(1, maxAbs(g));
      for (let i = 0; i < m; i++) dir[i]! *= scale;
    }
    for (let k = 0; k < sHist.length; k++) {
      const beta = rho[k]! * dotp(yHist[k]!, dir);
      const s = sHist[k]!;
      for (let i = 0; i < m; i++) dir[i]! += s[i]! * (alpha[k]! - beta);
    }
    let slope = dotp(g, dir);
    if (!(slope > 0)) {
      // Not an ascent direction (lost curvature information): restart from the gradient.
      sHist.length = 0;
      yHist.length = 0;
      rho.length = 0;
      const scale = 1 / Math.max(1, maxAbs(g));
      for (let i = 0; i < m; i++) dir[i] = g[i]! * scale;
      slope = dotp(g, dir);
    }
    // Backtracking Armijo line search.
    let step = 1;
    let fNew = Number.NEGATIVE_INFINITY;
    let accepted = false;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < m; i++) xNew[i] = x[i]! + step * dir[i]!;
      fNew = evaluate(xNew, gNew);
      if (Number.isFinite(fNew) && fNew >= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) return { x, value: f, iterations: iter, converged: false };
    const s = new Float64Array(m);
    const y = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      s[i] = xNew[i]! - x[i]!;
      // Curvature of −f: y = ∇(−f)(new) − ∇(−f)(old).
      y[i] = g[i]! - gNew[i]!;
    }
    const sy = dotp(s, y);
    if (sy > 1e-12 * Math.sqrt(dotp(s, s) * dotp(y, y))) {
      if (sHist.length === memory) {
        sHist.shift();
        yHist.shift();
        rho.shift();
      }
      sHist.push(s);
      yHist.push(y);
      rho.push(1 / sy);
    }
    const change = fNew - f;
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    if (change <= ftol * Math.max(1, Math.abs(f))) return { x, value: f, iterations: iter + 1, converged: true };
  }
  return { x, value: f, iterations: maxIter, converged: false };
}
