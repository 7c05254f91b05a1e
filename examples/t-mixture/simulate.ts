/**
 * Writes `data.json` and `truth.json` of the t-mixture example: 600 points from a mixture of
 * two bivariate Student-t distributions (ν = 3 and 10), drawn with the runtime's own seeded
 * stream and MvStudentT sampler (a normal scaled by 1/√u, u ~ Gamma(ν/2, ν/2)), rounded to
 * 1e-4. Reruns write identical files.
 *
 *     pnpm exec tsx examples/t-mixture/simulate.ts
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findDistribution, makeStreams } from '@emforge/runtime';

const here = dirname(fileURLToPath(import.meta.url));
const N = 600;
const truth = {
  w: [0.4, 0.6],
  mu: [
    [0, 0],
    [3, 2],
  ],
  Sigma: [
    [
      [1, 0.5],
      [0.5, 1.5],
    ],
    [
      [0.8, -0.3],
      [-0.3, 0.6],
    ],
  ],
};
const nu = [3, 10];

const rng = makeStreams(2024, 1)[0]!;
const t = findDistribution('MvStudentT')!;
const z: number[] = [];
const x: number[][] = [];
for (let n = 0; n < N; n++) {
  const k = rng.uniform() < truth.w[0]! ? 0 : 1;
  const draw = t.numerics.sample(rng, [
    nu[k]!,
    Float64Array.from(truth.mu[k]!),
    Float64Array.from(truth.Sigma[k]!.flat()),
  ]);
  z.push(k);
  x.push(Array.from(draw as Float64Array, (v) => Math.round(v * 1e4) / 1e4));
}

const rows = (a: readonly unknown[]) => `[\n    ${a.map((r) => JSON.stringify(r)).join(',\n    ')}\n  ]`;
writeFileSync(join(here, 'data.json'), `{\n  "nu": ${JSON.stringify(nu)},\n  "x": ${rows(x)}\n}\n`);
writeFileSync(join(here, 'truth.json'), `${JSON.stringify({ ...truth, nu, z }, null, 2)}\n`);
