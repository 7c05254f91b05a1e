/**
 * The executable closed-form M-step updates, keyed by the compiler's update-rule ids (one file
 * per rule, same name). Each is a pure function from weighted data or expected statistics to the
 * updated parameter; `closedFormUpdates` is the table the EM runtime and the rule self-check use.
 */

import { studentTLocation, studentTScale } from '../scale-mixture/student-t-updates.js';
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

export const closedFormUpdates = {
  'categorical-probabilities': categoricalProbabilities,
  'multinomial-probabilities': multinomialProbabilities,
  'poisson-rate': poissonRate,
  'bernoulli-probability': bernoulliProbability,
  'binomial-probability': binomialProbability,
  'exponential-rate': exponentialRate,
  'gamma-rate': gammaRate,
  'linear-gaussian-mean': linearGaussianMean,
  'linear-gaussian-noise': linearGaussianNoise,
  'normal-mean': normalMean,
  'normal-sd': normalSd,
  'mv-normal-mean': mvNormalMean,
  'mv-normal-covariance': mvNormalCovariance,
  'regression-coefficients': regressionCoefficients,
  'dirichlet-map': dirichletMap,
  'beta-map': betaMap,
  'gamma-map': gammaMap,
  'inv-wishart-map': invWishartMap,
  'normal-mean-map': normalMeanMap,
  'mv-normal-mean-map': mvNormalMeanMap,
  'normal-inverse-wishart-map': normalInverseWishartMap,
  'student-t-location': studentTLocation,
  'student-t-scale': studentTScale,
} as const satisfies Record<string, (input: never) => unknown>;

export type ClosedFormRuleId = keyof typeof closedFormUpdates;
export type { LatentMoments, LinearGaussianMeanInput } from './linear-gaussian-mean.js';
export { type MvNormalMeanMapInput, priorPrecision } from './mv-normal-mean-map.js';
export type { NormalInverseWishartInput } from './normal-inverse-wishart-map.js';
export type { SdForm } from './normal-sd.js';
export type { GaussianComponent, GaussianScaleInput, Weighted } from './types.js';
