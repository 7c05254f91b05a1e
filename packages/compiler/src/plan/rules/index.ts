/**
 * THE table of closed-form M-step rules, in priority order: the first rule whose fragment
 * matches a param gives its update. MAP variants come first (they apply only with a prior);
 * more specific Gaussian rules come before the general ones. Adding a rule = one file + one line.
 */
import { bernoulliProbability } from './bernoulli-probability.js';
import { betaMap } from './beta-map.js';
import { binomialProbability } from './binomial-probability.js';
import { categoricalProbabilities } from './categorical-probabilities.js';
import { dirichletMap } from './dirichlet-map.js';
import { exponentialRate } from './exponential-rate.js';
import { gammaMap } from './gamma-map.js';
import { gammaRate } from './gamma-rate.js';
import { invWishartMap } from './inv-wishart-map.js';
import { linearGaussianMean } from './linear-gaussian-mean.js';
import { linearGaussianNoise } from './linear-gaussian-noise.js';
import { multinomialProbabilities } from './multinomial-probabilities.js';
import { mvNormalCovariance } from './mv-normal-covariance.js';
import { mvNormalMean } from './mv-normal-mean.js';
import { mvNormalMeanMap } from './mv-normal-mean-map.js';
import { normalInverseWishartMap } from './normal-inverse-wishart-map.js';
import { normalMean } from './normal-mean.js';
import { normalMeanMap } from './normal-mean-map.js';
import { normalSd } from './normal-sd.js';
import { poissonRate } from './poisson-rate.js';
import { regressionCoefficients } from './regression-coefficients.js';
import { studentTLocation, studentTScale } from './student-t-scale-mixture.js';
import type { UpdateRule } from './update-rule.js';

/** Rules that apply when the param has a (conjugate) prior statement. */
export const mapRules: readonly UpdateRule[] = [
  normalInverseWishartMap,
  dirichletMap,
  betaMap,
  gammaMap,
  invWishartMap,
  normalMeanMap,
  mvNormalMeanMap,
];

/** Rules for maximum likelihood (no prior). */
export const likelihoodRules: readonly UpdateRule[] = [
  categoricalProbabilities,
  multinomialProbabilities,
  poissonRate,
  bernoulliProbability,
  binomialProbability,
  exponentialRate,
  gammaRate,
  linearGaussianMean,
  linearGaussianNoise,
  normalMean,
  normalSd,
  mvNormalMean,
  mvNormalCovariance,
  regressionCoefficients,
  studentTLocation,
  studentTScale,
];

export const updateRules: readonly UpdateRule[] = [...mapRules, ...likelihoodRules];

export type { ParamContext, RuleMatch, UpdateRule } from './update-rule.js';
