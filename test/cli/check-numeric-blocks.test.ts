/**
 * Every fallback is visible, and what `emforge check` / `explain` say is what the fit runs:
 * - for every model of the repository (examples, golden models, LANGUAGE.md's) and a few more
 *   shapes, each param's update as `check` reports it (`executedParam`: a closed-form rule in a
 *   statement with an expression argument runs numerically, a Gamma/Beta statement runs as the
 *   family's exact weighted MLE) equals the rule the lowering gives the mixture executor;
 * - where numeric, the reason names the optimiser and why: Newton / IRLS only for the GLM blocks
 *   the runtime's `glmBlocks` runs by Newton (checked on each numeric example's data), L-BFGS
 *   with "not Newton / IRLS, as this is not a canonical-link GLM block: …" for the rest;
 * - the `emforge check` text no longer claims a closed form for the sd of a Normal whose mean is
 *   an expression, and `emforge explain` shows the objective Q each numeric step maximises (and
 *   how) for every numeric example.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureIo, main } from '@emforge/cli';
import { executedParam, lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { bindData, type FitProgram, glmBlocks, numericRule, prepareMixture } from '@emforge/runtime';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** [label, source] of every model file of the repository that plans. */
function repositoryModels(): [string, string][] {
  const out: [string, string][] = [];
  for (const d of readdirSync(join(root, 'examples'), { withFileTypes: true })) {
    if (d.isDirectory())
      out.push([`examples/${d.name}`, readFileSync(join(root, 'examples', d.name, 'model.em'), 'utf8')]);
  }
  for (const dir of ['test/golden/good', 'test/language/models']) {
    for (const f of readdirSync(join(root, dir))
      .filter((n) => n.endsWith('.em'))
      .sort())
      out.push([`${dir}/${f}`, readFileSync(join(root, dir, f), 'utf8')]);
  }
  return out;
}

const mixture = (name: string, decls: string, statement: string) => `model ${name} {
  size N, P
  size K = 2
  data   X[N]: real[P]
  data   y[N]: real
  data   v[N]: real
  data   x[N]: positive
  data   c[N]: count
  param  w: simplex[K]
  ${decls}
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    ${statement}
  }
}`;

const extra: [string, string][] = [
  [
    'Normal with an expression sd',
    mixture('expr_sd', 'param mu[K]: real\n  param ls[K]: real', 'y[n] ~ Normal(mu[z[n]], exp(ls[z[n]]))'),
  ],
  [
    'Normal with an affine mean',
    mixture('affine', 'param a[K]: real\n  param s[K]: positive', 'y[n] ~ Normal(a[z[n]] + 0.5 * v[n], s[z[n]])'),
  ],
  [
    'Gamma mixture',
    mixture('gamma_mix', 'param a[K]: positive\n  param b[K]: positive', 'x[n] ~ Gamma(a[z[n]], b[z[n]])'),
  ],
  ['Poisson regression', mixture('poisreg', 'param beta[K]: real[P]', 'c[n] ~ Poisson(exp(dot(X[n], beta[z[n]])))')],
];

describe('check reports the update the fit runs', () => {
  const models = [...repositoryModels(), ...extra];

  it.each(models)('%s', (_, source) => {
    const outcome = planSource(new SourceFile('model.em', source));
    if (!outcome.plan) return;
    const lowered = lowerProgram(outcome).value;
    if (!lowered || (lowered.kind !== undefined && lowered.kind !== 'mixture')) return;
    const program = lowered as FitProgram;
    for (const planned of outcome.plan.params) {
      const p = executedParam(planned);
      const rule = program.params.find((q) => q.name === p.name)!.rule;
      if (rule === numericRule) {
        expect(p.update, `${p.name}: lowered numeric`).toBe('numeric');
        expect(p.rule).toBe('numeric');
        expect(p.exact).toBe(false);
      } else if (rule.startsWith('family-mle:')) {
        expect(p.rule, `${p.name}: lowered ${rule}`).toBe(rule);
        expect(p.exact).toBe(true);
        expect(p.reason).toContain('exact weighted maximum likelihood');
      } else {
        expect(p.update, `${p.name}: lowered ${rule}`).not.toBe('numeric');
        expect(p.rule).toBe(rule);
      }
      if (p.update === 'numeric' && p.rule === 'numeric') {
        expect(p.reason).toMatch(
          /Newton–Raphson \(IRLS\)|not Newton \/ IRLS, as this is not a canonical-link GLM block: \S/,
        );
      }
    }
  });
});

describe('Newton in the plan is Newton in the executor', () => {
  it.each(['mixture-logistic', 'poisson-regression-mixture', 'genetic-linkage', 'genetic-linkage-em'])('%s', (name) => {
    const source = readFileSync(join(root, 'examples', name, 'model.em'), 'utf8');
    const data = JSON.parse(readFileSync(join(root, 'examples', name, 'data.json'), 'utf8'));
    const outcome = planSource(new SourceFile('model.em', source));
    const program = lowerProgram(outcome).value as FitProgram;
    const bound = bindData(lowerDataSchema(outcome.checked!), data, {}).value!;
    const plan = glmBlocks(prepareMixture(program, bound));
    const newton = new Set(plan.blocks.map((b) => b.param.spec.name));
    for (const p of outcome.plan!.params.map(executedParam)) {
      if (p.rule !== 'numeric') continue;
      if (newton.has(p.name)) expect(p.reason).toContain('Newton–Raphson (IRLS)');
      else {
        expect(plan.lbfgs.has(p.name)).toBe(true);
        expect(p.reason).toContain('not Newton / IRLS, as this is not a canonical-link GLM block');
      }
    }
  });
});

/** Runs the CLI in-process from the repository root. */
async function cli(args: string[]): Promise<string> {
  const io = captureIo({ env: {}, isTTY: false });
  const code = await main(args, io);
  expect(code, io.err()).toBe(0);
  return io.out();
}

describe('emforge check and explain', () => {
  beforeAll(() => process.chdir(root));

  it('check: the sd of a Normal whose mean is an expression is numeric, not closed form', async () => {
    const out = await cli(['check', 'test/golden/good/mixture-regression.em']);
    expect(out).toMatch(/sigma: numeric — the mean of Normal is the expression dot\(X\[n\], beta\[z\[n\]\]\)/);
    expect(out).toMatch(
      /beta: numeric — .*L-BFGS.*not Newton \/ IRLS, as this is not a canonical-link GLM block: Normal is not a GLM family/,
    );
    expect(out).not.toContain('sigma: closed-form');
    expect(out).not.toContain('weighted-least-squares');
  });

  it('check: Newton blocks say why Newton, Gamma blocks say exact weighted MLE', async () => {
    const logistic = await cli(['check', 'examples/mixture-logistic/model.em']);
    expect(logistic).toMatch(
      /beta: numeric — .*Newton–Raphson \(IRLS\).*canonical logistic link on a linear predictor/,
    );
    const gamma = await cli(['check', 'examples/gamma-mixture/model.em']);
    expect(gamma).toMatch(/shape: numeric — .*Gamma's exact weighted maximum likelihood/);
    expect(gamma).not.toContain('by L-BFGS');
    const linkage = await cli(['check', 'examples/genetic-linkage/model.em']);
    expect(linkage).toMatch(
      /theta: numeric — .*L-BFGS.*not Newton \/ IRLS, as this is not a canonical-link GLM block: Categorical/,
    );
  });

  it.each(['mixture-logistic', 'poisson-regression-mixture', 'genetic-linkage', 'genetic-linkage-em', 'gamma-mixture'])(
    'explain %s: the objective of every numeric step, and how it is maximised',
    async (name) => {
      const out = await cli(['explain', `examples/${name}/model.em`]);
      const outcome = planSource(
        new SourceFile('model.em', readFileSync(join(root, 'examples', name, 'model.em'), 'utf8')),
      );
      const numeric = outcome.plan!.params.map(executedParam).filter((p) => p.update === 'numeric');
      expect(numeric.length).toBeGreaterThan(0);
      for (const p of numeric) {
        const section = out.slice(out.indexOf(`### \`${p.name}\``));
        expect(section).toContain(`Q(${p.name}) = `);
        expect(section).toMatch(/- how: (Newton–Raphson|L-BFGS|Gamma's exact weighted maximum likelihood)/);
      }
    },
  );
});
