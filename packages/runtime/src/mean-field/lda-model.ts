/**
 * An `LdaProgram` bound to data, and its mean-field E-step (Blei, Ng & Jordan 2003, §5.2).
 * Each document is stored as its distinct words with their counts (a word that occurs c times
 * has one variational topic distribution φ, weighted by c). With q(θ_d) = Dirichlet(γ_d) and
 * q(z_di) = Categorical(φ_di), the coordinate updates are closed form:
 *
 *   φ_dik ∝ β_k,w exp(ψ(γ_dk) − ψ(Σ_j γ_dj)),   γ_dk = α_k + Σ_i φ_dik,
 *
 * iterated per document from γ = α + N_d / K until max_k |Δγ_dk| < INNER_TOL (each update
 * raises the document's ELBO). The ELBO is then computed exactly, Dirichlet normalising
 * constants included (E_dk = E_q[log θ_dk] = ψ(γ_dk) − ψ(Σ γ_d)):
 *
 *   ELBO_d = lgamma(Σα) − Σ lgamma(α_k) + Σ (α_k − 1) E_dk
 *          + Σ_i Σ_k φ_dik (E_dk + log β_k,w_di − log φ_dik)
 *          − lgamma(Σγ_d) + Σ lgamma(γ_dk) − Σ (γ_dk − 1) E_dk.
 *
 * The E-step also accumulates the expected topic–word counts Σ_d Σ_i φ_dik [w_di = v] (the
 * M-step's statistics for β) and Σ_d E_dk (for a Newton update of α).
 */
import type { BoundData } from '../data/bind-data.js';
import { FitSetupError, resolveDim } from '../em/mixture.js';
import { digamma, lgamma } from '../math/special.js';
import type { LdaProgram } from './mean-field-program.js';

/** The inner loop stops when no γ_dk moves by more than this, or after INNER_MAX sweeps. */
export const INNER_TOL = 1e-6;
export const INNER_MAX = 2000;

export interface LdaModel {
  readonly program: LdaProgram;
  /** Documents, topics, vocabulary size, word tokens. */
  readonly D: number;
  readonly K: number;
  readonly V: number;
  readonly tokens: number;
  /** Distinct words per document: document d holds entries docStart[d] … docStart[d+1]−1. */
  readonly docStart: Int32Array;
  /** Per distinct (document, word) entry: the word and its count. */
  readonly word: Int32Array;
  readonly count: Float64Array;
  /** Per token (in data order): its (document, word) entry. */
  readonly entryOfToken: Int32Array;
  /** Live params: α shape [K], β (topic–word) shape [K, V]. */
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  /** log β; shape [K, V]. */
  readonly logBeta: Float64Array;
  /** Variational Dirichlet parameters γ; shape [D, K]. */
  readonly gamma: Float64Array;
  /** Variational topic distributions φ per distinct entry; shape [entries, K]. */
  readonly phi: Float64Array;
  /** Expected topic–word counts; shape [K, V]. */
  readonly counts: Float64Array;
  /** Σ_d E_q[log θ_dk]; shape [K]. */
  readonly sumElogTheta: Float64Array;
  /** Scratch, shape [K]. */
  readonly elog: Float64Array;
  readonly next: Float64Array;
  /** The largest number of inner sweeps a document needed in the last E-step. */
  innerSweeps: number;
}

function alphaValues(program: LdaProgram, data: BoundData, K: number): Float64Array {
  const out = new Float64Array(K);
  const a = program.alpha;
  if (a.kind === 'constant') return out.fill(a.value);
  if (a.kind === 'param') return out.fill(1);
  const bound = data.variables[a.name];
  if (!bound) throw new FitSetupError(`data '${a.name}' is missing`);
  if (bound.values.length === 1) out.fill(bound.values[0]!);
  else if (bound.values.length === K) out.set(bound.values);
  else throw new FitSetupError(`data '${a.name}' has ${bound.values.length} values, expected 1 or ${K}`);
  if (!out.every((v) => v > 0 && Number.isFinite(v)))
    throw new FitSetupError(`the Dirichlet concentration '${a.name}' must be positive and finite`);
  return out;
}

/** Binds a program to data: documents as distinct words with counts, and every buffer, allocated once. */
export function prepareLda(program: LdaProgram, data: BoundData): LdaModel {
  const K = resolveDim(program.topics, data.sizes);
  const V = resolveDim(program.vocabulary, data.sizes);
  const D = resolveDim(program.documents.size, data.sizes);
  const w = data.variables[program.observed];
  if (!w) throw new FitSetupError(`data '${program.observed}' is missing`);
  const offsets = w.offsets;
  if (!offsets || offsets.length !== D + 1)
    throw new FitSetupError(`data '${program.observed}' must be one ragged row of words per document (${D} rows)`);
  const tokens = w.values.length;
  const docStart = new Int32Array(D + 1);
  const word: number[] = [];
  const count: number[] = [];
  const entryOfToken = new Int32Array(tokens);
  const seen = new Int32Array(V).fill(-1);
  for (let d = 0; d < D; d++) {
    docStart[d] = word.length;
    for (let t = offsets[d]!; t < offsets[d + 1]!; t++) {
      const v = w.values[t]!;
      if (!(Number.isInteger(v) && v >= 0 && v < V))
        throw new FitSetupError(`data '${program.observed}': document ${d} has the word ${v}, not one of 0 … ${V - 1}`);
      if (seen[v]! < docStart[d]!) {
        seen[v] = word.length;
        word.push(v);
        count.push(0);
      }
      count[seen[v]!]!++;
      entryOfToken[t] = seen[v]!;
    }
  }
  docStart[D] = word.length;
  const entries = word.length;
  return {
    program,
    D,
    K,
    V,
    tokens,
    docStart,
    word: Int32Array.from(word),
    count: Float64Array.from(count),
    entryOfToken,
    alpha: alphaValues(program, data, K),
    beta: new Float64Array(K * V),
    logBeta: new Float64Array(K * V),
    gamma: new Float64Array(D * K),
    phi: new Float64Array(entries * K),
    counts: new Float64Array(K * V),
    sumElogTheta: new Float64Array(K),
    elog: new Float64Array(K),
    next: new Float64Array(K),
    innerSweeps: 0,
  };
}

/** E_k = ψ(γ_k) − ψ(Σγ) into `out`. */
function expectedLogTheta(gamma: Float64Array, at: number, K: number, out: Float64Array): void {
  let sum = 0;
  for (let k = 0; k < K; k++) sum += gamma[at + k]!;
  const psiSum = digamma(sum);
  for (let k = 0; k < K; k++) out[k] = digamma(gamma[at + k]!) - psiSum;
}

/** φ of one entry from E and log β (log-sum-exp), written at `phi[e * K …]`. */
function updatePhi(model: LdaModel, e: number): void {
  const { K, V, phi, logBeta, elog } = model;
  const v = model.word[e]!;
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < K; k++) {
    const s = logBeta[k * V + v]! + elog[k]!;
    phi[e * K + k] = s;
    if (s > max) max = s;
  }
  let total = 0;
  for (let k = 0; k < K; k++) {
    const p = Math.exp(phi[e * K + k]! - max);
    phi[e * K + k] = p;
    total += p;
  }
  for (let k = 0; k < K; k++) phi[e * K + k]! /= total;
}

/** Coordinate ascent for document d to convergence; leaves γ_d, φ_d and `model.elog` (at the final γ_d). */
function fitDocument(model: LdaModel, d: number): void {
  const { K, alpha, gamma, phi, count, next, docStart } = model;
  const at = d * K;
  let length = 0;
  for (let e = docStart[d]!; e < docStart[d + 1]!; e++) length += count[e]!;
  for (let k = 0; k < K; k++) gamma[at + k] = alpha[k]! + length / K;
  let sweep = 0;
  for (; sweep < INNER_MAX; sweep++) {
    expectedLogTheta(gamma, at, K, model.elog);
    next.set(alpha);
    for (let e = docStart[d]!; e < docStart[d + 1]!; e++) {
      updatePhi(model, e);
      const c = count[e]!;
      for (let k = 0; k < K; k++) next[k]! += c * phi[e * K + k]!;
    }
    let change = 0;
    for (let k = 0; k < K; k++) {
      change = Math.max(change, Math.abs(next[k]! - gamma[at + k]!));
      gamma[at + k] = next[k]!;
    }
    if (change < INNER_TOL) break;
  }
  if (sweep + 1 > model.innerSweeps) model.innerSweeps = sweep + 1;
  expectedLogTheta(gamma, at, K, model.elog);
}

/**
 * The mean-field E-step at the live α and β: every document's γ and φ, the expected counts,
 * Σ_d E[log θ_d], and the exact ELBO.
 */
export function eStepLda(model: LdaModel): number {
  const { D, K, V, alpha, beta, logBeta, gamma, phi, count, word, counts, sumElogTheta, elog, docStart } = model;
  for (let j = 0; j < K * V; j++) logBeta[j] = Math.log(beta[j]!);
  counts.fill(0);
  sumElogTheta.fill(0);
  model.innerSweeps = 0;
  let alphaSum = 0;
  let lgammaAlpha = 0;
  for (let k = 0; k < K; k++) {
    alphaSum += alpha[k]!;
    lgammaAlpha += lgamma(alpha[k]!);
  }
  const prior = lgamma(alphaSum) - lgammaAlpha;
  let elbo = 0;
  for (let d = 0; d < D; d++) {
    fitDocument(model, d);
    const at = d * K;
    let gammaSum = 0;
    let doc = prior;
    for (let k = 0; k < K; k++) {
      const g = gamma[at + k]!;
      gammaSum += g;
      doc += (alpha[k]! - 1) * elog[k]! + lgamma(g) - (g - 1) * elog[k]!;
      sumElogTheta[k]! += elog[k]!;
    }
    doc -= lgamma(gammaSum);
    for (let e = docStart[d]!; e < docStart[d + 1]!; e++) {
      const c = count[e]!;
      const v = word[e]!;
      for (let k = 0; k < K; k++) {
        const p = phi[e * K + k]!;
        if (p === 0) continue;
        doc += c * p * (elog[k]! + logBeta[k * V + v]! - Math.log(p));
        counts[k * V + v]! += c * p;
      }
    }
    elbo += doc;
  }
  return Number.isNaN(elbo) ? Number.NEGATIVE_INFINITY : elbo;
}
