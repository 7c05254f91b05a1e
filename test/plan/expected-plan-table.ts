/**
 * The inference plans we expect, written by hand from DESIGN.md's two decision tables and the
 * text of issue 3 — NOT by running the planner — so that `expected-plans.test.ts` checks the
 * planner against an independent reading of the design. One row per model: the E-step strategy
 * of every latent and the M-step update of every param (a list where the design genuinely
 * admits more than one answer, with the reason beside it), the objective, and for approximate
 * models the warning we expect (code prefix and a piece of the sub-expression it points at).
 */

export type Strategy =
  | 'enumerate'
  | 'forward-backward'
  | 'gaussian'
  | 'missing-gaussian'
  | 'conjugate'
  | 'mean-field'
  | 'variational';
export type Update = 'closed-form' | 'closed-form-map' | 'weighted-least-squares' | 'numeric';
export type ObjectiveKind = 'log-likelihood' | 'log-posterior' | 'elbo';

export interface ExpectedWarning {
  /** The code must start with this (`W4`: a planning warning). */
  readonly codePrefix: string;
  /** The warning's span, as source text, must contain this. */
  readonly at: string;
}

export interface ExpectedPlan {
  /** Path from the repository root. */
  readonly file: string;
  readonly latents: Readonly<Record<string, Strategy | readonly Strategy[]>>;
  readonly params: Readonly<Record<string, Update | readonly Update[]>>;
  readonly objective: ObjectiveKind;
  readonly warnings?: readonly ExpectedWarning[];
}

/**
 * Affine mean `mu + W * f[n]` under Gaussian noise: DESIGN.md lists it both as an
 * exponential-family Gaussian factor (the textbook FA/PPCA M-step is a closed form in E[f],
 * E[f fᵀ]) and as "affine in the parameter under Gaussian noise" (weighted least squares, which
 * computes the same solution); the issue accepts either for fa, so we accept either everywhere.
 */
const affineGaussian: readonly Update[] = ['closed-form', 'weighted-least-squares'];

const lang = (name: string) => `test/language/models/${name}.em`;
const good = (name: string) => `test/golden/good/${name}.em`;

export const expectedPlans: readonly ExpectedPlan[] = [
  // ---- LANGUAGE.md's six models: exactly as issue 3 states them.
  {
    file: lang('gmm'),
    latents: { z: 'enumerate' },
    params: { weights: 'closed-form', mu: 'closed-form', Sigma: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: lang('hmm'),
    latents: { h: 'forward-backward' },
    params: { init: 'closed-form', trans: 'closed-form', emit: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: lang('fa'),
    latents: { f: 'gaussian' },
    params: { W: affineGaussian, mu: affineGaussian, psi: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: lang('poismix'),
    latents: { z: 'enumerate' },
    params: { w: 'closed-form-map', rate: 'closed-form' },
    objective: 'log-posterior',
  },
  {
    file: lang('mixlogit'),
    latents: { z: 'enumerate' },
    params: { w: 'closed-form', beta: 'numeric' },
    objective: 'log-likelihood',
  },
  {
    file: lang('mvn_missing'),
    latents: { x: 'missing-gaussian' },
    params: { mu: 'closed-form', Sigma: 'closed-form' },
    objective: 'log-likelihood',
  },

  // ---- Mixtures whose components are other exponential-family members: weighted MLE.
  {
    file: good('poisson-mixture'),
    latents: { z: 'enumerate' },
    params: { w: 'closed-form', rate: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: good('bernoulli-lca'),
    latents: { z: 'enumerate' },
    params: { w: 'closed-form', p: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: good('binomial-mixture'),
    latents: { z: 'enumerate' },
    params: { w: 'closed-form', p: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: good('exponential-mixture'),
    latents: { z: 'enumerate' },
    params: { w: 'closed-form', rate: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: good('gamma-mixture'),
    latents: { z: 'enumerate' },
    // The shape's stationarity equation involves digamma: numeric. The rate is closed-form GIVEN
    // the shape (rate = shape·Σr/Σr·x, an ECM step), but a planner may equally update the
    // (shape, rate) pair of the Gamma factor jointly by the numeric rule; both follow DESIGN.md.
    params: { w: 'closed-form', shape: 'numeric', rate: ['closed-form', 'numeric'] },
    objective: 'log-likelihood',
  },
  {
    file: good('gamma-mixture-known-shape'),
    latents: { z: 'enumerate' },
    params: { w: 'closed-form', rate: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: good('categorical-lca'),
    latents: { z: 'enumerate' },
    params: { w: 'closed-form', p: 'closed-form' },
    objective: 'log-likelihood',
  },

  // ---- Structured Gaussian mixtures: the matching closed-form variants.
  {
    file: good('gmm-tied'),
    latents: { z: 'enumerate' },
    params: { weights: 'closed-form', mu: 'closed-form', Sigma: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: good('gmm-diagonal'),
    latents: { z: 'enumerate' },
    params: { weights: 'closed-form', mu: 'closed-form', s: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: good('gmm-spherical'),
    latents: { z: 'enumerate' },
    params: { weights: 'closed-form', mu: 'closed-form', s: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: good('mixture-regression'),
    latents: { z: 'enumerate' },
    // Issue 3: "a mixture of linear regressions (weighted-least-squares)". sigma given beta is
    // the weighted residual variance, a closed form.
    params: { w: 'closed-form', beta: 'weighted-least-squares', sigma: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: good('two-alleles'),
    // Two finite latents of one item: enumerated jointly over the product space.
    latents: { a1: 'enumerate', a2: 'enumerate' },
    params: { freq: 'closed-form', mu: 'closed-form', sigma: 'closed-form' },
    objective: 'log-likelihood',
  },

  // ---- Chains and linear-Gaussian latents.
  {
    file: good('hmm-gaussian'),
    latents: { h: 'forward-backward' },
    params: { init: 'closed-form', trans: 'closed-form', mu: 'closed-form', Sigma: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: good('ppca'),
    latents: { f: 'gaussian' },
    params: { W: affineGaussian, mu: affineGaussian, sigma: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: good('mfa'),
    // DESIGN.md: "linear-Gaussian continuous latent (…, mixtures of these)"; the label is a
    // finite latent of the item, the factors given the label are Gaussian.
    latents: { z: 'enumerate', f: 'gaussian' },
    params: { w: 'closed-form', mu: affineGaussian, W: affineGaussian, psi: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: good('kalman'),
    // A continuous linear-Gaussian chain is a linear-Gaussian latent (Kalman smoother), not the
    // discrete-chain row (forward-backward is for discrete states).
    latents: { f: 'gaussian' },
    params: { m0: 'closed-form', A: affineGaussian, Q: 'closed-form', C: affineGaussian, R: 'closed-form' },
    objective: 'log-likelihood',
  },
  {
    file: good('student-t'),
    latents: { u: 'conjugate' },
    params: { mu: 'closed-form', Sigma: 'closed-form' },
    objective: 'log-likelihood',
  },

  // ---- Approximate E-steps.
  {
    file: good('lda'),
    latents: { theta: 'mean-field', z: 'mean-field' },
    // The Dirichlet's alpha has no closed-form MLE (digamma equations; Minka's Newton step).
    params: { alpha: 'numeric', topics: 'closed-form' },
    objective: 'elbo',
    warnings: [{ codePrefix: 'W4', at: 'theta[d]' }],
  },
  {
    file: good('poisson-lognormal'),
    latents: { eta: 'variational' },
    // mu and sigma only enter eta's own Normal factor: closed form in E_q[eta], E_q[eta²].
    params: { mu: 'closed-form', sigma: 'closed-form' },
    objective: 'elbo',
    warnings: [{ codePrefix: 'W4', at: 'exp(eta[n])' }],
  },

  // ---- Priors: conjugate → closed-form MAP, otherwise numeric.
  {
    file: good('gmm-map'),
    latents: { z: 'enumerate' },
    params: { weights: 'closed-form-map', mu: 'closed-form', Sigma: 'closed-form-map' },
    objective: 'log-posterior',
  },
  {
    file: good('gmm-niw'),
    latents: { z: 'enumerate' },
    params: { weights: 'closed-form-map', mu: 'closed-form-map', Sigma: 'closed-form-map' },
    objective: 'log-posterior',
  },
  {
    file: good('poisson-gamma-prior'),
    latents: { z: 'enumerate' },
    params: { w: 'closed-form', rate: 'closed-form-map' },
    objective: 'log-posterior',
  },
  {
    file: good('poisson-lognormal-prior'),
    latents: { z: 'enumerate' },
    params: { w: 'closed-form', rate: 'numeric' },
    objective: 'log-posterior',
  },

  // ---- No latent at all: direct maximum likelihood; theta is inside a built probability vector.
  {
    file: good('genetic-linkage'),
    latents: {},
    params: { theta: 'numeric' },
    objective: 'log-likelihood',
  },
];
