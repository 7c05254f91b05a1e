/**
 * Golden tests of generated fitters (`emforge compile`): the source generated for a model,
 * compared with `<case>.fitter.ts.expected` here. `UPDATE_GOLDEN=1` (as `pnpm golden:update`)
 * rewrites them; review them with `git diff`. That the fitters type-check, run and reproduce
 * `emforge fit` is test/codegen/examples.test.ts.
 *
 * Cases: a GMM (both forms), a Poisson mixture with a prior (MAP), an HMM (the dishonest casino:
 * forward–backward, Viterbi and Baum–Welch), a mixture of Student-t's (a scale mixture: E[u] and
 * the t density in the E-step, k-means initialisation with the best labelling of the per-component ν), a GMM with missing entries (the E-step pattern by
 * pattern, the imputed data), factor analysis (the E-step through M = I + Wᵀ R⁻¹ W, the regression
 * M-step of [W mu], the eigenvector initialisation).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateFitter } from '../../codegen/compile-helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = fileURLToPath(new URL('./', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

const cases = [
  { name: 'old-faithful-gmm', model: 'examples/old-faithful-gmm/model.em', standalone: false },
  { name: 'old-faithful-gmm.standalone', model: 'examples/old-faithful-gmm/model.em', standalone: true },
  { name: 'poisson-mixture-map', model: 'examples/poisson-mixture-map/model.em', standalone: false },
  { name: 'hmm-dishonest-casino', model: 'examples/hmm-dishonest-casino/model.em', standalone: false },
  { name: 't-mixture', model: 'examples/t-mixture/model.em', standalone: false },
  { name: 'gmm-missing', model: 'examples/gmm-missing/model.em', standalone: false },
  { name: 'factor-analysis', model: 'examples/factor-analysis/model.em', standalone: false },
];

describe('generated fitters (golden)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const rendered = generateFitter(c.model, readFileSync(join(root, c.model), 'utf8'), c.standalone);
      const expectedPath = join(dir, `${c.name}.fitter.ts.expected`);
      if (update || !existsSync(expectedPath)) {
        writeFileSync(expectedPath, rendered);
        if (!update) throw new Error(`${c.name}.fitter.ts.expected did not exist; it was written, review it and rerun`);
        return;
      }
      expect(rendered).toBe(readFileSync(expectedPath, 'utf8'));
    });
  }
});
