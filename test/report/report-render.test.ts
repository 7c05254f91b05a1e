/**
 * The report without a browser: escaping of everything put into the page, the markdown
 * renderer on explain's output, which plots each kind of model gets, the fitted mixture density
 * against closed-form densities (Normal, Poisson) and its normalisation (Gamma), the parameter
 * tables' standard-error column, self-containment, and the atomic write.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import type { FitProgram, ParamValue, Program } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { choosePlots } from '../../packages/cli/src/report/choose-plots.js';
import { escapeHtml, jsonForScript, scriptText } from '../../packages/cli/src/report/html.js';
import { renderInline, renderMarkdown } from '../../packages/cli/src/report/markdown-html.js';
import { mixtureDensity } from '../../packages/cli/src/report/mixture-density.js';
import { renderReport } from '../../packages/cli/src/report/render-report.js';
import type { ReportInput } from '../../packages/cli/src/report/report-input.js';
import { writeReport } from '../../packages/cli/src/report/write-report.js';
import { prepareAny } from '../fit/fit-helpers.js';
import { handMadeHmm, noFallback, reportCase } from './report-cases.js';

const gmm = reportCase('old-faithful-gmm', [1, 2], noFallback);

/** The page with the inlined libraries cut out (they are large and not ours to inspect). */
function ownMarkup(html: string): string {
  return html.replace(/<script>[\s\S]*?<\/script>/g, '<script>…</script>');
}

describe('escaping', () => {
  it('escapes text, JSON in script blocks and inlined code', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const json = jsonForScript({ s: '</script><!-- \u2028' });
    expect(json).not.toMatch(/<|\u2028/);
    expect(JSON.parse(json)).toEqual({ s: '</script><!-- \u2028' });
    expect(scriptText('var s = "</script>"; // <!--')).toBe('var s = "<\\/script>"; // <\\!--');
  });

  it('keeps hostile text in the model, warnings and params from becoming markup', () => {
    const evil = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';
    const input: ReportInput = {
      ...gmm.input,
      source: `// ${evil}\n${gmm.input.source}`,
      sourceName: evil,
      command: evil,
      derivation: `# t\n\nText ${evil} and \`${evil}\`\n`,
      result: { ...gmm.input.result, warnings: [evil] },
    };
    const html = renderReport(input);
    const own = ownMarkup(html);
    expect(own).not.toContain('<img');
    expect(own).not.toContain('<script>alert');
    expect(own).toContain('&lt;img src=x onerror=alert(2)&gt;');
    // Exactly the four script elements of the page: plot data, vega, vega-lite, bootstrap.
    expect(html.match(/<script[\s>]/g)).toHaveLength(4);
    expect(html.match(/<\/script>/g)).toHaveLength(4);
  });
});

describe('renderMarkdown', () => {
  it('renders headings, code blocks, lists, paragraphs and inline markup', () => {
    const md = [
      '# EM for `m`',
      '',
      '## E-step',
      '',
      '*z*: finite latent with K states; **Approximate**: x < y & W * f[n]',
      'continues here',
      '',
      '```',
      'r[n,k] = p(z[n] = k | x[n]) < 1',
      '```',
      '',
      '- rule: `categorical` — p',
      '- exact: yes',
    ].join('\n');
    expect(renderMarkdown(md, 1)).toBe(
      [
        '<h2>EM for <code>m</code></h2>',
        '<h3>E-step</h3>',
        '<p><em>z</em>: finite latent with K states; <strong>Approximate</strong>: x &lt; y &amp; W * f[n] continues here</p>',
        '<pre><code>r[n,k] = p(z[n] = k | x[n]) &lt; 1</code></pre>',
        '<ul><li>rule: <code>categorical</code> — p</li><li>exact: yes</li></ul>',
      ].join('\n'),
    );
  });

  it('leaves formulas alone: underscores and spaced stars are text', () => {
    expect(renderInline('Σ_n q_z[n] and a * b * c')).toBe('Σ_n q_z[n] and a * b * c');
  });

  it("renders explain's whole derivation with balanced code blocks", () => {
    const html = renderMarkdown(gmm.input.derivation!);
    expect(html.match(/<pre>/g)?.length).toBe(html.match(/<\/pre>/g)?.length);
    expect(html).toContain('<h3><code>z</code> — exact enumeration</h3>');
    expect(html).not.toContain('```');
  });
});

describe('choosePlots', () => {
  it('gives a 2-D mixture its scatter and the trace, one line per run', () => {
    const { plots, failures } = choosePlots(gmm.input);
    expect(failures).toEqual([]);
    expect(plots.map((p) => p.kind)).toEqual(['mixture-scatter', 'trace']);
    const trace = plots[1]!.spec.data as { values: { run: string }[] };
    expect(new Set(trace.values.map((v) => v.run))).toEqual(new Set(['seed 1', 'seed 2']));
  });

  it('uses the kept run history without traces, and draws no trace from a single value', () => {
    const { traces: _, ...withoutTraces } = gmm.input;
    expect(choosePlots(withoutTraces).plots.map((p) => p.kind)).toEqual(['mixture-scatter', 'trace']);
    const flat = { ...withoutTraces, result: { ...gmm.input.result, history: [gmm.input.result.objective] } };
    expect(choosePlots(flat).plots.map((p) => p.kind)).toEqual(['mixture-scatter']);
  });

  it('draws the ellipses at the fitted means', () => {
    const scatter = choosePlots(gmm.input).plots[0]!;
    const values = (scatter.spec.data as { values: { layer: string; x: number; y: number; component: string }[] })
      .values;
    const mu = gmm.input.result.params.mu as number[][];
    for (const [k, m] of mu.entries()) {
      const mean = values.find((v) => v.layer === 'mean' && v.component === `z=${k}`)!;
      expect([mean.x, mean.y]).toEqual(m);
      const ring = values.filter((v) => v.layer === 'ellipse' && v.component === `z=${k}`);
      expect(ring).toHaveLength(65);
      const cx = ring.slice(0, 64).reduce((s, v) => s + v.x, 0) / 64;
      expect(cx).toBeCloseTo(m[0]!, 10);
    }
  });

  it('draws the category shares with the fitted probabilities for categorical data (ABO blood groups)', () => {
    const abo = reportCase('abo-blood-groups', [1], noFallback);
    expect(choosePlots(abo.input).plots.map((p) => p.kind)).toEqual(['mixture-density', 'trace']);
  });
});

describe('mixtureDensity', () => {
  function lowered(model: string, raw: unknown) {
    const { program, data } = prepareAny(model, raw);
    return { program: program as FitProgram, data };
  }
  const normalModel = `model m {
  size N
  size K = 2
  data x[N]: real
  param w: simplex[K]
  param mu[K]: real
  param sigma[K]: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ Normal(mu[z[n]], sigma[z[n]])
  }
}`;

  it('is Σ_k w_k Normal(x | mu_k, sigma_k) for a normal mixture', () => {
    const { program, data } = lowered(normalModel, { x: [0.1, 2, -1, 3.5] });
    const params = { w: [0.3, 0.7], mu: [-1, 2.5], sigma: [0.5, 1.5] };
    const grid = Float64Array.from([-3, -1, 0, 0.7, 2.5, 6]);
    const d = mixtureDensity(program, data, params, grid)!;
    const pdf = (x: number, m: number, s: number) => Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
    for (const [g, x] of grid.entries()) {
      const parts = [0, 1].map((k) => params.w[k]! * pdf(x, params.mu[k]!, params.sigma[k]!));
      expect(d.total[g]! / (parts[0]! + parts[1]!)).toBeCloseTo(1, 12);
      for (const k of [0, 1]) expect(d.components[g * 2 + k]! / parts[k]!).toBeCloseTo(1, 12);
    }
  });

  it('is Σ_k w_k λ_k^y e^(−λ_k) / y! for a Poisson mixture', () => {
    const raw = JSON.parse(
      readFileSync(new URL('../../examples/poisson-mixture-map/data.json', import.meta.url), 'utf8'),
    );
    const text = readFileSync(new URL('../../examples/poisson-mixture-map/model.em', import.meta.url), 'utf8');
    const { program, data } = lowered(text, raw);
    const params = { w: [0.4, 0.6], rate: [2.2, 9.1] };
    const grid = Float64Array.from({ length: 25 }, (_, i) => i);
    const d = mixtureDensity(program, data, params, grid)!;
    let sum = 0;
    for (const [g, y] of grid.entries()) {
      let logFactorial = 0;
      for (let i = 2; i <= y; i++) logFactorial += Math.log(i);
      const pmf = (l: number) => Math.exp(y * Math.log(l) - l - logFactorial);
      const expected = 0.4 * pmf(2.2) + 0.6 * pmf(9.1);
      expect(d.total[g]! / expected).toBeCloseTo(1, 12);
      sum += d.total[g]!;
    }
    expect(sum).toBeGreaterThan(0.999);
  });

  it('integrates to one for the fitted gamma mixture', () => {
    const gamma = reportCase('gamma-mixture', [1], noFallback);
    const program = gamma.input.program as FitProgram;
    const n = 40_000;
    const hi = 60;
    const grid = Float64Array.from({ length: n + 1 }, (_, i) => 1e-12 + (hi * i) / n);
    const d = mixtureDensity(program, gamma.input.data, gamma.input.result.params, grid)!;
    let integral = 0;
    for (let i = 0; i < n; i++) integral += ((d.total[i]! + d.total[i + 1]!) / 2) * (hi / n);
    expect(integral).toBeCloseTo(1, 5);
  });
});

describe('renderReport', () => {
  it('is one self-contained page: no external scripts, styles, images or fonts', () => {
    const own = ownMarkup(renderReport(gmm.input));
    expect(own).not.toMatch(/<script[^>]+src=|<link|<img|@import|url\(/);
    expect(own).toMatch(/^<!DOCTYPE html>/);
    for (const id of ['summary', 'plots', 'params', 'plan', 'derivation', 'model']) expect(own).toContain(`id="${id}"`);
  });

  it('shows a standard-error column only for params that have standard errors', () => {
    const plain = ownMarkup(renderReport(gmm.input));
    expect(plain).not.toContain('std. error');
    const withSe = ownMarkup(renderReport({ ...gmm.input, standardErrors: { weights: [0.031, 0.031] } }));
    expect(withSe.match(/std\. error/g)).toHaveLength(1);
    expect(withSe).toContain('0.031');
  });

  it('lists the plan: each latent with its E-step and each param with its M-step, rule and formula', () => {
    const own = ownMarkup(renderReport(gmm.input));
    expect(own).toContain('<strong>enumerate</strong>');
    for (const p of gmm.input.plan.params) {
      expect(own).toContain(`<code>${escapeHtml(p.rule)}</code>`);
      expect(own).toContain(`<code>${escapeHtml(p.formula)}</code>`);
    }
  });
});

describe('writeReport', () => {
  it('writes the page and leaves no temporary file behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emforge-report-'));
    const path = join(dir, 'fit.html');
    writeReport(path, gmm.input);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(renderReport(gmm.input));
    expect(readdirSync(dir)).toEqual(['fit.html']);
  });
});

describe('the HMM report', () => {
  const hmm = reportCase('hmm-dishonest-casino', [3], handMadeHmm);

  it("the tests' own forward–backward (the hand-made fallback) agrees with the fit's smoothed marginals", () => {
    if (!hmm.fitted) return;
    const mine = handMadeHmm(hmm.input.data, hmm.input.result.params as Record<string, ParamValue>);
    const fit = hmm.input.posteriors.responsibilities;
    expect(mine.posteriors.responsibilities).toHaveLength(fit.length);
    for (const [i, row] of mine.posteriors.responsibilities.entries()) {
      for (const [k, p] of row.entries()) expect(Math.abs(p - fit[i]![k]!)).toBeLessThan(1e-12);
    }
  });

  it('finds the transition and emission params from the declared params alone (any program kind)', () => {
    const { program } = hmm.input;
    const bare = {
      model: program.model,
      params: program.params,
      objective: program.objective,
      strategy: program.strategy,
    } as unknown as Program;
    const kinds = choosePlots({ ...hmm.input, program: bare }).plots.map((p) => p.kind);
    expect(kinds).toEqual(['state-sequence', 'transition-matrix', 'emission-matrix', 'trace']);
  });
});

describe('every example the runtime lowers', () => {
  const examples = readdirSync(new URL('../../examples/', import.meta.url)).filter((name) => {
    const dir = new URL(`../../examples/${name}/`, import.meta.url);
    if (!existsSync(new URL('model.em', dir)) || !existsSync(new URL('data.json', dir))) return false;
    const outcome = planSource(new SourceFile('model.em', readFileSync(new URL('model.em', dir), 'utf8')));
    return lowerProgram(outcome).value !== undefined;
  });

  it.each(examples)('%s: renders with a model plot and the trace, no plot left out', (name) => {
    const example = reportCase(name, [1], noFallback, { maxIter: 15 });
    const { plots, failures } = choosePlots(example.input);
    expect(failures).toEqual([]);
    expect(plots.map((p) => p.kind)).toContain('trace');
    const modelPlots = plots.filter((p) => p.kind !== 'trace');
    // Models whose item data is categorical (ABO and genetic-linkage counts, LDA's words) have no
    // model plot yet, only the trace; nor has the variational Poisson–lognormal (its fitted
    // marginal has no closed form for the density plot yet).
    const categorical = ['abo-blood-groups', 'genetic-linkage', 'genetic-linkage-em', 'lda', 'poisson-lognormal'];
    if (!categorical.includes(name)) expect(modelPlots.length).toBeGreaterThan(0);
    expect(renderReport(example.input)).toContain(`data-kind="${plots[0]!.kind}"`);
  });
});
