/**
 * Every distribution a model may name, by the name written in models. Adding a distribution
 * is one file in this folder and one line here; the checker reads names, arities and
 * signatures from this table only.
 */
import { bernoulli } from './bernoulli.js';
import { beta } from './beta.js';
import { binomial } from './binomial.js';
import { categorical } from './categorical.js';
import { dirichlet } from './dirichlet.js';
import { exponential } from './exponential.js';
import { gamma } from './gamma.js';
import { invWishart } from './inv-wishart.js';
import { logNormal } from './log-normal.js';
import { multinomial } from './multinomial.js';
import { mvNormal } from './mv-normal.js';
import { mvStudentT } from './mv-student-t.js';
import { normal } from './normal.js';
import { poisson } from './poisson.js';
import type { DistributionSpec } from './spec.js';
import { studentT } from './student-t.js';

const specs: readonly DistributionSpec[] = [
  categorical,
  bernoulli,
  binomial,
  multinomial,
  poisson,
  normal,
  mvNormal,
  exponential,
  gamma,
  beta,
  dirichlet,
  studentT,
  mvStudentT,
  logNormal,
  invWishart,
];

export const distributions: ReadonlyMap<string, DistributionSpec> = new Map(specs.map((d) => [d.name, d]));

/** The spec of the distribution written `name` in a model, if there is one. */
export function findDistribution(name: string): DistributionSpec | undefined {
  return distributions.get(name);
}
