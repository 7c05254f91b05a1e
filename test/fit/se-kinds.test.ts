/**
 * Standard errors for every program kind (`fitAnyProgram(…, { standardErrors: true })`), each
 * against an analytic reference where one exists:
 * - factor analysis (linear-gaussian): μ̂ is the sample mean and its information N Σ̂⁻¹ is
 *   orthogonal to (W, ψ), so SE(μ_j) = √(Σ̂_jj/N) with Σ̂ = WWᵀ + diag(ψ²). With L = 2 the
 *   likelihood is flat along the rotation of W: W's errors are null with a warning saying so,
 *   μ's and ψ's are defined; with L = 1 (no continuous rotation) every entry has one.
 * - Student-t location-scale with ν known (scale-mixture, D = 1): the analytic observed
 *   information of Σ_n log t_ν(x_n | μ, σ) in (μ, σ), mapped to Σ = σ² by the delta method.
 * - MVN with a `?` data type and no entry missing (missing-gaussian): the MvNormal analytic
 *   errors √(Σ̂_jj/N) and √((Σ̂_ij² + Σ̂_ii Σ̂_jj)/N).
 * - HMM (chain) and the linear-Gaussian chain (Kalman): every entry a finite positive number
 *   or null with a warning (never NaN), the same bits for the same seed; the two entries of a
 *   2-simplex (HMM init and transition rows) get equal errors.
 */
import { describe, expect, it } from 'vitest';
import { fitAny, readExample } from './fit-helpers.js';

const fitSe = (name: string, sizes: Record<string, number> = {}, data?: unknown, maxIter = 5000) => {
  const example = readExample(name);
  return fitAny(
    example.model,
    data ?? example.data,
    { seed: 1, restarts: 2, tol: 1e-12, maxIter, regCovar: 0, standardErrors: true },
    sizes,
  ).result;
};

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** Every leaf of a nested value. */
const leaves = (v: unknown): unknown[] =>
  Array.isArray(v) ? v.flatMap(leaves) : typeof v === 'object' && v !== null ? Object.values(v).flatMap(leaves) : [v];

describe('standard errors of every program kind', () => {
  it('factor analysis, L = 2: μ analytic, ψ defined, W null (rotation) with a warning', () => {
    const r = fitSe('factor-analysis');
    const x = (readExample('factor-analysis').data as { x: number[][] }).x;
    const n = x.length;
    const W = r.params.W as number[][];
    const psi = r.params.psi as number[];
    const se = r.standardErrors!;
    for (let j = 0; j < psi.length; j++) {
      const sigma = W[j]!.reduce((s, w) => s + w * w, 0) + psi[j]! ** 2;
      expect(rel((se.mu as number[])[j]!, Math.sqrt(sigma / n))).toBeLessThan(1e-5);
      expect((se.psi as number[])[j]).toBeGreaterThan(0);
    }
    expect(leaves(se.W).every((v) => v === null)).toBe(true);
    expect(r.warnings.some((w) => w.startsWith('standard errors of W') && w.includes('not identifiable'))).toBe(true);
    expect(r.warnings.some((w) => /standard errors of (mu|psi)/.test(w))).toBe(false);
  });

  it('factor analysis, L = 1: every entry has a standard error', () => {
    const r = fitSe('factor-analysis', { L: 1 });
    const values = leaves(r.standardErrors);
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((v) => typeof v === 'number' && v > 0 && Number.isFinite(v))).toBe(true);
  });

  it('Student-t with ν known: the analytic observed information in (μ, σ)', () => {
    const example = readExample('student-t-scale-mixture');
    const raw = example.data as { nu: number; x: number[][] };
    const x = raw.x.map((row) => row[0]!);
    const r = fitSe('student-t-scale-mixture', {}, { nu: raw.nu, x: x.map((v) => [v]) });
    const nu = raw.nu;
    const mu = (r.params.mu as number[])[0]!;
    const variance = (r.params.Sigma as number[][])[0]![0]!;
    const sigma = Math.sqrt(variance);
    // ℓ = Σ ν log σ − (ν+1)/2 log q + const, q = νσ² + (x − μ)².
    let hmm = 0;
    let hss = 0;
    let hms = 0;
    for (const v of x) {
      const a = (v - mu) ** 2;
      const q = nu * variance + a;
      hmm += ((nu + 1) * (2 * a - q)) / q ** 2;
      hss += -nu / variance - ((nu + 1) * nu * (q - 2 * nu * variance)) / q ** 2;
      hms += ((nu + 1) * (v - mu) * -2 * nu * sigma) / q ** 2;
    }
    const det = hmm * hss - hms * hms;
    const varMu = -hss / det;
    const varSigma = -hmm / det;
    const se = r.standardErrors!;
    expect(rel((se.mu as number[])[0]!, Math.sqrt(varMu))).toBeLessThan(1e-5);
    expect(rel((se.Sigma as number[][])[0]![0]!, 2 * sigma * Math.sqrt(varSigma))).toBeLessThan(1e-5);
  });

  it('MVN under a missing-data type with every entry observed: the MvNormal analytic errors', () => {
    const x = (readExample('mvn-missing').data as { x: (number | null)[][] }).x.filter((row) =>
      row.every((v) => v !== null),
    );
    const r = fitSe('mvn-missing', {}, { x });
    expect(r.strategy).not.toBe('direct');
    const n = x.length;
    const sigma = r.params.Sigma as number[][];
    const se = r.standardErrors!;
    for (let i = 0; i < sigma.length; i++) {
      expect(rel((se.mu as number[])[i]!, Math.sqrt(sigma[i]![i]! / n))).toBeLessThan(1e-5);
      for (let j = 0; j < sigma.length; j++) {
        const expected = Math.sqrt((sigma[i]![j]! ** 2 + sigma[i]![i]! * sigma[j]![j]!) / n);
        expect(rel((se.Sigma as number[][])[i]![j]!, expected)).toBeLessThan(1e-5);
      }
    }
  });

  // Small versions (the cost is 6m² objective evaluations for m free values): an HMM with K = 2
  // on 4 sequences, a Kalman model with L = 1 on 6 (its params are identified only up to the
  // scale of the state, so some come out null, with the warning; its EM is slow, so it stops
  // after 200 iterations and says the errors are those at its last params).
  const small: { name: string; sizes: Record<string, number>; key: string; sequences: number; maxIter: number }[] = [
    { name: 'hmm-gaussian', sizes: { K: 2 }, key: 'y', sequences: 4, maxIter: 5000 },
    { name: 'linear-gaussian-chain', sizes: { L: 1 }, key: 'x', sequences: 6, maxIter: 200 },
  ];
  for (const { name, sizes, key, sequences, maxIter } of small) {
    it(`${name}: finite positive errors or null with a warning, never NaN; same seed, same bits`, () => {
      const all = readExample(name).data as Record<string, unknown[]>;
      const data = { [key]: all[key]!.slice(0, sequences) };
      const r = fitSe(name, sizes, data, maxIter);
      const values = leaves(r.standardErrors);
      expect(values.length).toBeGreaterThan(0);
      expect(values.every((v) => v === null || (typeof v === 'number' && v > 0 && Number.isFinite(v)))).toBe(true);
      if (values.includes(null)) expect(r.warnings.some((w) => w.startsWith('standard errors of'))).toBe(true);
      expect(JSON.stringify(fitSe(name, sizes, data, maxIter).standardErrors)).toBe(JSON.stringify(r.standardErrors));
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
      if (name === 'hmm-gaussian') {
        // Two entries of a 2-simplex sum to 1, so their errors are equal.
        const se = r.standardErrors!;
        const [a, b] = se.init as number[];
        expect(rel(a!, b!)).toBeLessThan(1e-9);
        for (const row of se.trans as number[][]) expect(rel(row[0]!, row[1]!)).toBeLessThan(1e-9);
      }
    });
  }
});
