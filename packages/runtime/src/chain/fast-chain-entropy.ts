/**
 * The posterior entropy of an HMM's state paths from the fast E-step's summed statistics, for
 * ICL without a second pass: with q(h) = p(h | x) at the E-step's params θ,
 *   H(q) = −E_q[log q(h)] = log p(x) − E_q[log p(x, h)],
 *   E_q[log p(x, h)] = Σ_k γ₀(k) log init_k + Σ_ij ξ(i, j) log trans_ij + Σ_t Σ_k γ_t(k) log p(x_t | k),
 * and the emission term is a function of the statistics the kernels sum anyway: Σ_m counts(m, k)
 * log emit_km for categorical emissions; for Gaussian ones, with d = x − μ_k at the E-step's μ,
 *   Σ_t γ_t(k) log N(x_t; μ_k, Σ_k) = N_k (−(D/2) log 2π − ½ log|Σ_k|) − ½ tr(Σ_k⁻¹ S2_k).
 * Terms with zero expected count add nothing (0 · log 0 = 0).
 */
import type { ParamValues } from '../em/mixture.js';
import type { Chain } from './chain.js';
import type { FastChainModel } from './fast-chain.js';

const LOG_2PI = 1.8378770664093453;

const xLogY = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(y));

/**
 * H(q) for the statistics `totals` (layout: chain/fast-chain-layout.ts) of an E-step at `values`,
 * whose log-likelihood is totals[0].
 */
export function fastChainEntropy(
  chain: Chain,
  model: FastChainModel,
  values: ParamValues,
  totals: Float64Array,
): number {
  const { K, E } = model;
  const init = values[chain.program.init.name]!;
  const trans = values[chain.program.trans.name]!;
  let joint = 0;
  for (let k = 0; k < K; k++) joint += xLogY(totals[1 + k]!, init[k]!);
  for (let i = 0; i < K * K; i++) joint += xLogY(totals[1 + K + i]!, trans[i]!);
  const at = 1 + K + K * K;
  if (model.emission === 'categorical') {
    const emit = values[model.params[0]!.spec.name]!;
    for (let m = 0; m < E; m++) for (let k = 0; k < K; k++) joint += xLogY(totals[at + m * K + k]!, emit[k * E + m]!);
  } else {
    const D = E;
    const sigma = values[model.params[1]!.spec.name]!;
    const nk = at;
    const s2 = nk + K + K * D;
    const L = new Float64Array(D * D);
    const inv = new Float64Array(D * D);
    for (let k = 0; k < K; k++) {
      const N = totals[nk + k]!;
      if (N === 0) continue;
      const logDet = choleskyInverse(sigma.subarray(k * D * D, (k + 1) * D * D), D, L, inv);
      let trace = 0;
      for (let i = 0; i < D; i++) {
        trace += inv[i * D + i]! * totals[s2 + k * D * D + i * D + i]!;
        for (let j = i + 1; j < D; j++) trace += 2 * inv[i * D + j]! * totals[s2 + k * D * D + i * D + j]!;
      }
      joint += N * (-0.5 * D * LOG_2PI - 0.5 * logDet) - 0.5 * trace;
    }
  }
  return totals[0]! - joint;
}

/** Σ⁻¹ into `inv` (full, symmetric) through the Cholesky factor L (in `L`); returns log|Σ|. */
function choleskyInverse(sigma: Float64Array, D: number, L: Float64Array, inv: Float64Array): number {
  L.fill(0);
  let logDet = 0;
  for (let j = 0; j < D; j++) {
    let s = sigma[j * D + j]!;
    for (let m = 0; m < j; m++) s -= L[j * D + m]! ** 2;
    const ljj = Math.sqrt(s);
    L[j * D + j] = ljj;
    logDet += 2 * Math.log(ljj);
    for (let i = j + 1; i < D; i++) {
      let t = sigma[i * D + j]!;
      for (let m = 0; m < j; m++) t -= L[i * D + m]! * L[j * D + m]!;
      L[i * D + j] = t / ljj;
    }
  }
  // Σ⁻¹ column by column: solve L y = e_c, then Lᵀ z = y.
  const y = new Float64Array(D);
  for (let c = 0; c < D; c++) {
    for (let i = 0; i < D; i++) {
      let t = i === c ? 1 : 0;
      for (let m = 0; m < i; m++) t -= L[i * D + m]! * y[m]!;
      y[i] = t / L[i * D + i]!;
    }
    for (let i = D - 1; i >= 0; i--) {
      let t = y[i]!;
      for (let m = i + 1; m < D; m++) t -= L[m * D + i]! * inv[m * D + c]!;
      inv[i * D + c] = t / L[i * D + i]!;
    }
  }
  return logDet;
}
