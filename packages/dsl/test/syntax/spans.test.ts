/** Every node's span covers exactly its source text; children lie inside their parents. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Expr, Item, Node } from '../../src/index.js';
import { childrenOf, walk } from '../../src/index.js';
import { nodesOf, type Parsed, parse, textOf } from './helpers.js';

const gmmText = readFileSync(
  fileURLToPath(new URL('../../../../test/language/models/gmm.em', import.meta.url)),
  'utf8',
);

function expectNested(p: Parsed): void {
  walk(p.model, (node) => {
    expect(node.span.file).toBe(p.source.path);
    expect(node.span.start).toBeGreaterThanOrEqual(0);
    expect(node.span.end).toBeLessThanOrEqual(p.source.text.length);
    for (const child of childrenOf(node)) {
      expect(child.span.start, `${child.kind} starts inside ${node.kind}`).toBeGreaterThanOrEqual(node.span.start);
      expect(child.span.end, `${child.kind} ends inside ${node.kind}`).toBeLessThanOrEqual(node.span.end);
    }
  });
}

describe('spans', () => {
  it('cover the source text of each node of the gmm model', () => {
    const p = parse(gmmText, 'gmm.em');
    expect(p.diagnostics).toEqual([]);
    expectNested(p);
    const texts = new Map<string, string[]>();
    for (const n of nodesOf(p.model)) texts.set(n.kind, [...(texts.get(n.kind) ?? []), textOf(p, n)]);
    expect(texts.get('SizeDecl')).toEqual(['size N, D', 'size K = 3']);
    expect(texts.get('SizeItem')).toEqual(['N', 'D', 'K = 3']);
    expect(texts.get('VarDecl')).toEqual([
      'data   x[N]: real[D]',
      'param  weights: simplex[K]',
      'param  mu[K]: real[D]',
      'param  Sigma[K]: cov[D]',
      'latent z[N]: cat[K]',
    ]);
    expect(texts.get('Type')).toEqual(['real[D]', 'simplex[K]', 'real[D]', 'cov[D]', 'cat[K]']);
    expect(texts.get('Sample')).toEqual(['z[n] ~ Categorical(weights)', 'x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])']);
    expect(texts.get('Index')).toEqual(['z[n]', 'x[n]', 'mu[z[n]]', 'z[n]', 'Sigma[z[n]]', 'z[n]']);
    const loop = texts.get('For')?.[0] ?? '';
    expect(loop.startsWith('for n in N {')).toBe(true);
    expect(loop.endsWith('Sigma[z[n]])\n  }')).toBe(true);
    const model = texts.get('Model')?.[0] ?? '';
    expect(model.startsWith('model gmm {')).toBe(true);
    expect(model.endsWith('}')).toBe(true);
  });

  it('give 1-based lines and columns', () => {
    const p = parse(gmmText, 'gmm.em');
    const sample = nodesOf(p.model).find((n) => n.kind === 'Sample' && n.dist.name === 'MvNormal') as Node;
    expect([sample.span.line, sample.span.col, sample.span.endLine, sample.span.endCol]).toEqual([16, 5, 16, 43]);
    const sigma = nodesOf(p.model).find((n) => n.kind === 'Identifier' && n.name === 'Sigma') as Node;
    expect([sigma.span.line, sigma.span.col, sigma.span.endCol]).toEqual([10, 10, 15]);
  });

  it('of an operator include the parentheses around its operands', () => {
    const p = parse('model m {\n  let a = (b + c) * -(d)^2\n}');
    const value = (p.model.body[0] as Extract<Item, { kind: 'LetDecl' }>).value as Extract<Expr, { kind: 'Binary' }>;
    expect(textOf(p, value)).toBe('(b + c) * -(d)^2');
    expect(textOf(p, value.left)).toBe('b + c');
    expect(textOf(p, value.right)).toBe('-(d)^2');
    expect(value.right.kind === 'Unary' && textOf(p, value.right.operand)).toBe('(d)^2');
    expectNested(p);
  });

  it('of declarations include `?`, ragged sizes and defaults', () => {
    const p = parse('model m {\n  size T[S], K = 2 + 1\n  data x[N]: real[D]?\n  let q = f(a)[0]\n}');
    const texts = nodesOf(p.model).map((n) => `${n.kind}:${textOf(p, n)}`);
    expect(texts).toContain('SizeItem:T[S]');
    expect(texts).toContain('SizeItem:K = 2 + 1');
    expect(texts).toContain('VarDecl:data x[N]: real[D]?');
    expect(texts).toContain('Call:f(a)');
    expect(texts).toContain('Identifier:f');
    expect(texts).toContain('Index:f(a)[0]');
    expect(texts).toContain('LetDecl:let q = f(a)[0]');
  });

  it('of loops with a range cover the header and the block', () => {
    const p = parse('model m {\n  for t in 1..T[s] { h[t] ~ F(h[t - 1]) }\n}');
    const loop = p.model.body[0] as Extract<Item, { kind: 'For' }>;
    expect(textOf(p, loop)).toBe('for t in 1..T[s] { h[t] ~ F(h[t - 1]) }');
    expect(loop.lo && textOf(p, loop.lo)).toBe('1');
    expect(textOf(p, loop.hi)).toBe('T[s]');
    expect(textOf(p, loop.body[0] as Item)).toBe('h[t] ~ F(h[t - 1])');
  });

  it('of error nodes cover the text that was skipped', () => {
    const p = parse('model m {\n  size N\n  x[n] Normal(0, 1)\n  data y: real\n}');
    const error = p.model.body[1] as Item;
    expect(error.kind).toBe('Error');
    expect(textOf(p, error)).toBe('x[n] Normal(0, 1)');
    expect(error.kind === 'Error' && error.text).toBe('x[n] Normal(0, 1)');
    expectNested(p);
  });
});
