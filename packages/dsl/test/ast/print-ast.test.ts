/** The printer: canonical layout, minimal parentheses, and numbers that re-read exactly. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  AstFactory,
  formatNumber,
  type Item,
  noSpan,
  parseModel,
  printExpr,
  printModel,
  SourceFile,
} from '../../src/index.js';
import { parseClean } from '../syntax/helpers.js';

const modelsDir = fileURLToPath(new URL('../../../../test/language/models/', import.meta.url));

/** Parses `let e = TEXT` and prints the expression back. */
function reprint(text: string): string {
  const item = parseClean(`model m {\n  let e = ${text}\n}`).body[0] as Extract<Item, { kind: 'LetDecl' }>;
  return printExpr(item.value);
}

describe('printModel', () => {
  it('prints the gmm model in the canonical layout', () => {
    const text = readFileSync(`${modelsDir}gmm.em`, 'utf8');
    expect(printModel(parseClean(text))).toMatchInlineSnapshot(`
      "model gmm {
        size N, D
        size K = 3
        data x[N]: real[D]
        param weights: simplex[K]
        param mu[K]: real[D]
        param Sigma[K]: cov[D]
        latent z[N]: cat[K]
        for n in N {
          z[n] ~ Categorical(weights)
          x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
        }
      }
      "
    `);
  });

  it('prints fa, poismix, mixlogit and mvn_missing', () => {
    const printed = ['fa', 'poismix', 'mixlogit', 'mvn_missing']
      .map((name) => printModel(parseClean(readFileSync(`${modelsDir}${name}.em`, 'utf8'))))
      .join('\n');
    expect(printed).toMatchInlineSnapshot(`
      "model fa {
        size N, D, L
        data x[N]: real[D]
        param W: real[D, L]
        param mu: real[D]
        param psi: positive[D]
        latent f[N]: real[L]
        for n in N {
          f[n] ~ MvNormal(zeros(L), eye(L))
          x[n] ~ Normal(mu + W * f[n], psi)
        }
      }

      model poismix {
        size N
        size K = 2
        data y[N]: count
        param w: simplex[K]
        param rate[K]: positive
        latent z[N]: cat[K]
        w ~ Dirichlet(2)
        for n in N {
          z[n] ~ Categorical(w)
          y[n] ~ Poisson(rate[z[n]])
        }
      }

      model mixlogit {
        size N, P
        size K = 2
        data X[N]: real[P]
        data y[N]: count
        param w: simplex[K]
        param beta[K]: real[P]
        latent z[N]: cat[K]
        for n in N {
          z[n] ~ Categorical(w)
          y[n] ~ Bernoulli(logistic(dot(X[n], beta[z[n]])))
        }
      }

      model mvn_missing {
        size N, D
        data x[N]: real[D]?
        param mu: real[D]
        param Sigma: cov[D]
        for n in N {
          x[n] ~ MvNormal(mu, Sigma)
        }
      }
      "
    `);
  });

  it('prints every item kind', () => {
    const text = `model all {
  size N, K = 3, T[S], R[S] = 2
  data y[S][T]: cat[M]?
  param W: real[D, L]
  latent z[N]: cat[K]
  let w = softmax(a)
  for t in 1..T[s] { h[t] ~ Categorical(trans[h[t - 1]]) }
  for n in N {}
  mu = 0
}`;
    expect(printModel(parseClean(text))).toMatchInlineSnapshot(`
      "model all {
        size N, K = 3, T[S], R[S] = 2
        data y[S][T]: cat[M]?
        param W: real[D, L]
        latent z[N]: cat[K]
        let w = softmax(a)
        for t in 1..T[s] {
          h[t] ~ Categorical(trans[h[t - 1]])
        }
        for n in N {}
        mu = 0
      }
      "
    `);
  });

  it('prints the text of error nodes as it was written', () => {
    const result = parseModel(new SourceFile('e.em', 'model m {\n  x[n] Normal(0,  1)\n  y ~ F(a, )\n}\n'));
    expect(result.value && printModel(result.value)).toMatchInlineSnapshot(`
      "model m {
        x[n] Normal(0,  1)
        y ~ F(a, )
      }
      "
    `);
  });
});

describe('parentheses', () => {
  it('are kept only where precedence or associativity needs them', () => {
    expect(reprint('(a + b) + c')).toBe('a + b + c');
    expect(reprint('a + (b + c)')).toBe('a + (b + c)');
    expect(reprint('a - (b - c)')).toBe('a - (b - c)');
    expect(reprint('a - (b * c)')).toBe('a - b * c');
    expect(reprint('(a - b) * c')).toBe('(a - b) * c');
    expect(reprint('a / (b * c)')).toBe('a / (b * c)');
    expect(reprint('(a / b) * c')).toBe('a / b * c');
    expect(reprint('-(a + b)')).toBe('-(a + b)');
    expect(reprint('-(a * b)')).toBe('-(a * b)');
    expect(reprint('(-a) * b')).toBe('-a * b');
    expect(reprint('-(a^2)')).toBe('-a^2');
    expect(reprint('(-a)^2')).toBe('(-a)^2');
    expect(reprint('a^(b^c)')).toBe('a^b^c');
    expect(reprint('(a^b)^c')).toBe('(a^b)^c');
    expect(reprint('a^(-1)')).toBe('a^-1');
    expect(reprint('a^(b * c)')).toBe('a^(b * c)');
    expect(reprint('a * (-b)')).toBe('a * -b');
    expect(reprint('-(-a)')).toBe('--a');
    expect(reprint('(a + b)[i]')).toBe('(a + b)[i]');
    expect(reprint('(-x)[i]')).toBe('(-x)[i]');
    expect(reprint('(x[i])[j]')).toBe('x[i][j]');
    expect(reprint('(f(x))[0]')).toBe('f(x)[0]');
    expect(reprint('[(a), (b + c)]')).toBe('[a, b + c]');
  });
});

describe('numbers', () => {
  it('print integers in full and other values with a point or an exponent', () => {
    expect(formatNumber(3, true)).toBe('3');
    expect(formatNumber(3, false)).toBe('3.0');
    expect(formatNumber(0, false)).toBe('0.0');
    expect(formatNumber(0.5, false)).toBe('0.5');
    expect(formatNumber(1e21, true)).toBe('1000000000000000000000');
    expect(formatNumber(1e21, false)).toBe('1e+21');
    expect(formatNumber(1e-7, false)).toBe('1e-7');
    expect(formatNumber(5e-324, false)).toBe('5e-324');
    expect(formatNumber(0.1 + 0.2, false)).toBe('0.30000000000000004');
  });

  it('re-read to the same value and kind', () => {
    const make = new AstFactory();
    for (const [value, isInteger] of [
      [1e21, false],
      [1e21, true],
      [2 ** 60, true],
      [123456789.125, false],
      [Number.MAX_VALUE, false],
      [Number.MIN_VALUE, false],
      [7, false],
    ] as const) {
      const text = printExpr(make.number(noSpan, value, isInteger));
      const back = parseClean(`model m {\n  let e = ${text}\n}`).body[0] as Extract<Item, { kind: 'LetDecl' }>;
      expect(back.value).toMatchObject({ kind: 'NumberLit', value, isInteger });
    }
  });

  it('refuse values no literal can denote', () => {
    expect(() => formatNumber(-1, false)).toThrow();
    expect(() => formatNumber(Number.NaN, false)).toThrow();
    expect(() => formatNumber(Number.POSITIVE_INFINITY, false)).toThrow();
  });
});
