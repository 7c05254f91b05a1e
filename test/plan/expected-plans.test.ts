/**
 * The planner against an independent reading of DESIGN.md: for every model of
 * test/golden/good/ and LANGUAGE.md's six, `planSource` must give each latent the E-step and
 * each param the M-step listed in expected-plan-table.ts — every latent and param listed, none
 * missing, none extra — the expected objective, and, for approximate models, a W4… warning at
 * the sub-expression that makes them approximate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';
import { type ExpectedPlan, expectedPlans } from './expected-plan-table.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function modelFiles(dir: string): string[] {
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.em'))
    .map((f) => `${dir}/${f}`)
    .sort();
}

function allowed<T>(v: T | readonly T[]): readonly T[] {
  return Array.isArray(v) ? (v as readonly T[]) : [v as T];
}

function plan(row: ExpectedPlan) {
  const source = new SourceFile(row.file, readFileSync(join(root, row.file), 'utf8'));
  return { source, outcome: planSource(source) };
}

describe('expected inference plans', () => {
  it('lists every model of test/golden/good and test/language/models exactly once', () => {
    const files = [...modelFiles('test/golden/good'), ...modelFiles('test/language/models')].sort();
    const listed = expectedPlans.map((r) => r.file).sort();
    expect(listed).toEqual(files);
  });

  it.each(expectedPlans.map((r) => [r.file, r] as const))('%s', (_file, row) => {
    const { source, outcome } = plan(row);
    const errors = outcome.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    const p = outcome.plan;
    expect(p, 'planSource gave no plan').toBeDefined();
    if (!p) return;

    const gotLatents = Object.fromEntries(p.latents.map((l) => [l.name, l.strategy]));
    expect(Object.keys(gotLatents).sort(), 'latents').toEqual(Object.keys(row.latents).sort());
    for (const [name, want] of Object.entries(row.latents)) {
      expect(allowed(want), `strategy of latent ${name}`).toContain(gotLatents[name]);
    }

    const gotParams = Object.fromEntries(p.params.map((q) => [q.name, q.update]));
    expect(Object.keys(gotParams).sort(), 'params').toEqual(Object.keys(row.params).sort());
    for (const [name, want] of Object.entries(row.params)) {
      expect(allowed(want), `update of param ${name}`).toContain(gotParams[name]);
    }

    expect(p.objective, 'objective').toBe(row.objective);

    // An E-step is exact unless it is mean-field or variational.
    for (const l of p.latents) {
      expect(l.exact, `exactness of ${l.name}`).toBe(l.strategy !== 'mean-field' && l.strategy !== 'variational');
    }
    expect(p.exactEStep, 'exactEStep').toBe(p.latents.every((l) => l.exact));

    const warnings = outcome.diagnostics
      .filter((d) => d.severity === 'warning')
      .map((d) => ({ code: d.code, at: d.span ? source.text.slice(d.span.start, d.span.end) : '' }));
    for (const w of row.warnings ?? []) {
      const hit = warnings.some((g) => g.code.startsWith(w.codePrefix) && g.at.includes(w.at));
      expect(hit, `a ${w.codePrefix}… warning at '${w.at}'; got ${JSON.stringify(warnings)}`).toBe(true);
    }
  });
});
