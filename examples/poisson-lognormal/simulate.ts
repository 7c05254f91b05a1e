/**
 * Writes `data.json` and `truth.json` of the Poisson–lognormal example: 5,000 counts, each
 * y[n] ~ Poisson(exp(eta[n])) with eta[n] ~ Normal(mu = 1, sigma = 0.5), drawn with the
 * runtime's own seeded stream and its Normal and Poisson samplers. Reruns write identical files.
 *
 *     pnpm exec tsx examples/poisson-lognormal/simulate.ts
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findDistribution, makeStreams } from '@emforge/runtime';

const here = dirname(fileURLToPath(import.meta.url));
const N = 5000;
const truth = { mu: 1, sigma: 0.5 };

const rng = makeStreams(2026, 1)[0]!;
const normal = findDistribution('Normal')!;
const poisson = findDistribution('Poisson')!;
const eta: number[] = [];
const y: number[] = [];
for (let n = 0; n < N; n++) {
  const e = normal.numerics.sample(rng, [truth.mu, truth.sigma]) as number;
  eta.push(Math.round(e * 1e6) / 1e6);
  y.push(poisson.numerics.sample(rng, [Math.exp(e)]) as number);
}

const lines = (a: readonly number[]) =>
  Array.from({ length: Math.ceil(a.length / 25) }, (_, i) => a.slice(i * 25, i * 25 + 25).join(', ')).join(',\n    ');
writeFileSync(join(here, 'data.json'), `{\n  "y": [\n    ${lines(y)}\n  ]\n}\n`);
writeFileSync(join(here, 'truth.json'), `${JSON.stringify({ ...truth, eta })}\n`);
