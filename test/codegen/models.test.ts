/**
 * The generated fitters of the mixture models in the test corpora (test/golden/good,
 * test/fit/models, test/language/models): diagonal, spherical and tied GMMs, Binomial,
 * Exponential, Gamma (known shape), Bernoulli latent classes, Poisson with a Gamma prior, … Each
 * is compiled (importing @emforge/runtime, in one --strict program), run under node on data the
 * runtime's `sampleProgram` draws from params chosen per declared type. With `specialise: false`
 * the fitter must give the FitResult of the runtime's general executor bit for bit (the
 * generated loops follow it); by default, where the runtime recognises the model for its
 * specialised executor (fast/: full, tied, diagonal and spherical Gaussians, Poisson, Bernoulli,
 * Categorical) the fitter drives the same kernels and gives the default path's FitResult bit for
 * bit (in both forms: the standalone one is compiled and run too), elsewhere the general one;
 * always within 1e-9 relative log-likelihood of both. Models codegen cannot handle yet are
 * listed, so that a new one shows up here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import {
  bindData,
  type DimEntry,
  type FitProgram,
  type FitResult,
  fitProgram,
  inputSchema,
  inputSizes,
  type ParamValue,
  sampleProgram,
  specialiseMixture,
} from '@emforge/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CompiledFitters,
  compileFitters,
  generateFitter,
  isMixtureModel,
  root,
  runNode,
} from './compile-helpers.js';

/** Not generated yet, with the reason (keep in step with the codegen's E5001 messages). */
const notYet: Readonly<Record<string, string>> = {
  'categorical-lca.em': 'sampling an inner-loop Categorical',
  'latent-class-categorical.em': 'sampling an inner-loop Categorical',
  'gmm-map.em': 'InvWishart prior in the log prior',
  'gmm-niw.em': 'normal-inverse-Wishart pair',
  'two-alleles.em': 'a scale chosen by other latents than its mean',
  'mixture-regression.em': 'an L-BFGS block over several params',
};

interface Case {
  readonly id: string;
  readonly file: string;
  readonly text: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const dir of ['test/golden/good', 'test/fit/models', 'test/language/models']) {
    for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.em'))) {
      const text = readFileSync(join(root, dir, file), 'utf8');
      if (!isMixtureModel(text)) continue;
      out.push({ id: `${dir.split('/').pop()}-${file.slice(0, -3)}`.replaceAll(/[^\w-]/g, '_'), file, text });
    }
  }
  return out;
}

const sizeDefaults: Readonly<Record<string, number>> = { N: 300, D: 3, K: 2, J: 4, C: 3 };

/** A value per declared type with distinct components (so that EM has something to find). */
function paramValue(element: string, dims: readonly number[], shape: readonly number[], seed: number): ParamValue {
  if (dims.length > 0) {
    return Array.from({ length: dims[0]! }, (_, k) => paramValue(element, dims.slice(1), shape, seed * 7 + k + 1));
  }
  const d = shape[0] ?? 1;
  switch (element) {
    case 'simplex':
      return Array.from({ length: d }, (_, m) => (m + 1 + (seed % 3)) / ((d * (d + 1)) / 2 + d * (seed % 3)));
    case 'cov':
      return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 + (seed % 3) : 0.2)));
    case 'prob':
      return shape.length === 0
        ? 0.15 + ((seed * 0.37) % 0.7)
        : Array.from({ length: d }, (_, j) => 0.15 + (((seed + j) * 0.37) % 0.7));
    case 'positive':
      return shape.length === 0 ? 1 + 3 * (seed % 5) : Array.from({ length: d }, (_, j) => 1 + ((seed + j) % 5));
    default:
      return shape.length === 0 ? 4 * (seed % 5) : Array.from({ length: d }, (_, j) => 4 * (seed % 5) + j);
  }
}

/** Data a model reads but does not draw (Binomial trials, …): a plain value per type. */
function inputValue(element: string, shape: readonly number[]): ParamValue {
  if (shape.length > 0) return Array.from({ length: shape[0]! }, () => inputValue(element, shape.slice(1)));
  return element === 'count' ? 10 : element === 'prob' ? 0.5 : element === 'cat' ? 0 : 1;
}

interface Prepared {
  readonly c: Case;
  readonly data: Record<string, unknown>;
  readonly reference: FitResult;
  /** The default path's result (specialised kernels where they apply). */
  readonly command: FitResult;
  /** The runtime's specialised family for this model, if it has one (fast/specialise.ts). */
  readonly family: string | undefined;
}

const options = { seed: 2, restarts: 2, maxIter: 60 };
let compiled: CompiledFitters;
const prepared: Prepared[] = [];
let outcome: Record<string, FitResult>;

beforeAll(() => {
  const files: Record<string, string> = {};
  for (const c of cases()) {
    if (notYet[c.file]) continue;
    const plan = planSource(new SourceFile(c.file, c.text));
    const program = lowerProgram(plan).value as FitProgram;
    const schema = lowerDataSchema(plan.checked!);
    const resolve = (d: DimEntry) =>
      typeof d === 'number' ? d : (schema.sizes.find((s) => s.name === d)?.default ?? sizeDefaults[d] ?? 3);
    const sizes = Object.fromEntries(schema.sizes.map((s) => [s.name, resolve(s.name)]));
    const params = Object.fromEntries(
      program.params.map((p, i) => [p.name, paramValue(p.element, p.dims.map(resolve), p.shape.map(resolve), i + 1)]),
    );
    const inputs = inputSchema(program, schema);
    const given = Object.fromEntries(
      inputs.data.map((v) => [v.name, inputValue(v.element, [...v.dims, ...v.shape].map(resolve))]),
    );
    const boundInputs = bindData(inputs, given, inputSizes(inputs, sizes)).value;
    const drawn = sampleProgram(program, schema, params, {
      seed: 11,
      sizes,
      ...(boundInputs ? { inputs: boundInputs } : {}),
    });
    const data = { ...drawn.data };
    const bound = bindData(schema, data, {});
    if (!bound.value) throw new Error(`${c.file}: ${JSON.stringify(bound.problems.slice(0, 3))}`);
    const family = specialiseMixture(program, bound.value, {})?.family;
    prepared.push({
      c,
      data,
      reference: fitProgram(program, bound.value, { ...options, specialise: false }),
      command: fitProgram(program, bound.value, options),
      family,
    });
    files[c.id] = generateFitter(c.file, c.text, false);
    if (family) files[`${c.id}.standalone`] = generateFitter(c.file, c.text, true);
  }
  compiled = compileFitters(files);
  const script = [
    'const out = {};',
    ...prepared.flatMap((p) => {
      const fitter = (id: string) => `(await import(${JSON.stringify(compiled.js(id))}))`;
      const data = JSON.stringify(p.data);
      return [
        `out[${JSON.stringify(p.c.id)}] = ${fitter(p.c.id)}.fit(${data}, ${JSON.stringify(options)});`,
        `out[${JSON.stringify(`${p.c.id}/general`)}] = ${fitter(p.c.id)}.fit(${data}, ${JSON.stringify({ ...options, specialise: false })});`,
        ...(p.family
          ? [
              `out[${JSON.stringify(`${p.c.id}/standalone`)}] = ${fitter(`${p.c.id}.standalone`)}.fit(${data}, ${JSON.stringify(options)});`,
            ]
          : []),
      ];
    }),
    'process.stdout.write(JSON.stringify(out));',
  ].join('\n');
  outcome = runNode(compiled.dir, script) as Record<string, FitResult>;
}, 120_000);

afterAll(() => compiled?.cleanup());

describe('generated fitters of the test corpora', () => {
  it('lists what it cannot generate yet, and generates the rest', () => {
    const all = cases();
    for (const c of all) {
      if (notYet[c.file]) expect(() => generateFitter(c.file, c.text, false), c.file).toThrow(/E5001/);
    }
    expect(prepared.length).toBeGreaterThanOrEqual(10);
  });

  it('type-check under --strict', () => {
    expect(compiled.errors).toEqual([]);
  });

  it('drive the specialised kernels where the runtime does, for every family it specialises', () => {
    for (const p of prepared) {
      expect(generateFitter(p.c.file, p.c.text, false).includes('function fitSpecialised('), p.c.file).toBe(
        p.family !== undefined,
      );
    }
    const families = new Set(prepared.flatMap((p) => (p.family ? [p.family] : [])));
    for (const family of ['gaussian-tied', 'gaussian-diag', 'gaussian-spherical', 'poisson', 'bernoulli'])
      expect(families, family).toContain(family);
  });

  it('reproduce the default path bit for bit where it is specialised, the general executor with specialise: false', () => {
    for (const p of prepared) {
      const generated = outcome[p.c.id]!;
      expect(JSON.stringify(generated), p.c.file).toBe(JSON.stringify(p.family ? p.command : p.reference));
      if (p.family) expect(JSON.stringify(outcome[`${p.c.id}/standalone`]), p.c.file).toBe(JSON.stringify(p.command));
      expect(JSON.stringify(outcome[`${p.c.id}/general`]), p.c.file).toBe(JSON.stringify(p.reference));
      for (const other of [p.command, p.reference])
        expect(Math.abs(generated.logLik - other.logLik), p.c.file).toBeLessThanOrEqual(1e-9 * Math.abs(other.logLik));
    }
  });
});
