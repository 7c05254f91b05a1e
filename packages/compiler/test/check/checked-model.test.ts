/** What the check phase hands to later phases: symbols, references, types and samples. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Expr, SourceFile, walk } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';
import { checkModel, formatType } from '../../src/index.js';
import { check } from './helpers.js';

const hmmPath = fileURLToPath(new URL('../../../../test/language/models/hmm.em', import.meta.url));

describe('CheckedModel', () => {
  const outcome = check(readFileSync(hmmPath, 'utf8'));
  const checked = outcome.checked;
  if (!checked) throw new Error(outcome.rendered);

  it('has a symbol table of sizes, variables and plate indices', () => {
    expect([...checked.symbols.sizes.keys()]).toEqual(['S', 'K', 'M', 'T']);
    expect(checked.symbols.sizes.get('T')?.over).toBe('S');
    expect(
      [...checked.symbols.vars.values()].map((v) => `${v.role} ${v.name}: ${v.type && formatType(v.type)}`),
    ).toEqual([
      'data y: cat[M] (array [S, T])',
      'param init: simplex[K]',
      'param trans: simplex[K] (array [K])',
      'param emit: simplex[M] (array [K])',
      'latent h: cat[K] (array [S, T])',
    ]);
    expect([...checked.symbols.indices.values()].map((i) => `${i.name} < ${i.boundSize}`)).toEqual([
      's < S',
      't < T',
      't < T',
    ]);
  });

  it('types every expression, keyed by node id', () => {
    const typed: string[] = [];
    walk(checked.ast, (n) => {
      if (n.kind === 'Index') {
        const t = checked.types.get(n.id);
        typed.push(`${text(n)}: ${t ? formatType(t) : '?'}`);
      }
    });
    expect(typed).toContain('trans[h[s][t-1]]: simplex[K]');
    expect(typed).toContain('emit[h[s][t]]: simplex[M]');
    expect(typed).toContain('T[s]: count');
  });

  it('records the sample statements of each variable, with their loops and shape bindings', () => {
    const h = checked.samples.get('h') ?? [];
    expect(
      h.map((r) => `${r.distribution?.name} in ${r.loops.length} loops, K=${JSON.stringify(r.shapes.get('K')?.kind)}`),
    ).toEqual(['Categorical in 1 loops, K="size"', 'Categorical in 2 loops, K="size"']);
    expect(checked.samples.get('y')?.length).toBe(1);
  });

  it('resolves every name reference', () => {
    walk(checked.ast, (n) => {
      if (n.kind === 'NameRef') expect(checked.references.has(n.id), n.name).toBe(true);
    });
  });

  function text(e: Expr): string {
    return outcome.source.text.slice(e.span.start, e.span.end);
  }
});

describe('checkModel on any tree', () => {
  it('does not throw on a model made of error nodes', () => {
    const source = new SourceFile('x.em', 'model m { ~ ~ }');
    const span = source.span(0, 3);
    const ast = {
      kind: 'Model' as const,
      id: 1,
      span,
      name: { kind: 'Identifier' as const, id: 2, span, name: '' },
      body: [{ kind: 'Error' as const, id: 3, span, text: '~ ~' }],
    };
    expect(checkModel(ast).diagnostics).toEqual([]);
  });
});
