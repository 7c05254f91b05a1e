/** The parser on every construct of the language, and on the six models of LANGUAGE.md verbatim. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Expr, Item } from '../../src/index.js';
import { parseModel, printExpr, printModel, SourceFile, stripLocations } from '../../src/index.js';
import { parse, parseClean } from './helpers.js';

const modelsDir = fileURLToPath(new URL('../../../../test/language/models/', import.meta.url));
const languageModels = ['gmm', 'hmm', 'fa', 'poismix', 'mixlogit', 'mvn_missing'];

/** The items of `model m { … }` around the given text. */
function items(text: string): readonly Item[] {
  return parseClean(`model m {\n${text}\n}\n`).body;
}

function item(text: string): unknown {
  const body = items(text);
  expect(body).toHaveLength(1);
  return stripLocations(body[0] as Item);
}

/** The expression of `let e = …`, printed with every operator node in explicit parentheses. */
function shape(text: string): string {
  const body = items(`let e = ${text}`);
  const value = (body[0] as Extract<Item, { kind: 'LetDecl' }>).value;
  return explicit(value);
}

function explicit(e: Expr): string {
  switch (e.kind) {
    case 'Binary':
      return `(${explicit(e.left)} ${e.op} ${explicit(e.right)})`;
    case 'Unary':
      return `(-${explicit(e.operand)})`;
    case 'Index':
      return `${explicit(e.target)}[${e.indices.map(explicit).join(', ')}]`;
    case 'Call':
      return `${e.callee.name}(${e.args.map(explicit).join(', ')})`;
    case 'VectorLit':
      return `[${e.elements.map(explicit).join(', ')}]`;
    default:
      return printExpr(e);
  }
}

describe('the six LANGUAGE.md models', () => {
  it('are all present in test/language/models', () => {
    const files = readdirSync(modelsDir).filter((f) => f.endsWith('.em'));
    expect(files.sort()).toEqual(languageModels.map((m) => `${m}.em`).sort());
  });

  for (const name of languageModels) {
    it(`${name} parses without diagnostics and round-trips through the printer`, () => {
      const text = readFileSync(`${modelsDir}${name}.em`, 'utf8');
      const model = parseClean(text);
      expect(model.name.name).toBe(name);
      expect(stripLocations(parseClean(printModel(model)))).toEqual(stripLocations(model));
    });
  }

  it('hmm has a ragged size, a range loop and nested loops', () => {
    const text = readFileSync(`${modelsDir}hmm.em`, 'utf8');
    expect(printModel(parseClean(text))).toMatchInlineSnapshot(`
      "model hmm {
        size S, K, M
        size T[S]
        data y[S][T]: cat[M]
        param init: simplex[K]
        param trans[K]: simplex[K]
        param emit[K]: simplex[M]
        latent h[S][T]: cat[K]
        for s in S {
          h[s][0] ~ Categorical(init)
          for t in 1..T[s] {
            h[s][t] ~ Categorical(trans[h[s][t - 1]])
          }
          for t in T[s] {
            y[s][t] ~ Categorical(emit[h[s][t]])
          }
        }
      }
      "
    `);
  });
});

describe('declarations', () => {
  it('size lists mix plain, default and ragged sizes', () => {
    expect(item('size N, K = 3, T[S]')).toEqual({
      kind: 'SizeDecl',
      items: [
        { kind: 'SizeItem', name: { kind: 'Identifier', name: 'N' } },
        {
          kind: 'SizeItem',
          name: { kind: 'Identifier', name: 'K' },
          value: { kind: 'NumberLit', value: 3, isInteger: true },
        },
        { kind: 'SizeItem', name: { kind: 'Identifier', name: 'T' }, over: { kind: 'Identifier', name: 'S' } },
      ],
    });
  });

  it('variables take a role, dimensions, a type with a shape, and `?`', () => {
    expect(item('data y[S][T]: cat[M]')).toEqual({
      kind: 'VarDecl',
      role: 'data',
      name: { kind: 'Identifier', name: 'y' },
      dims: [
        { kind: 'NameRef', name: 'S' },
        { kind: 'NameRef', name: 'T' },
      ],
      type: { kind: 'Type', name: { kind: 'Identifier', name: 'cat' }, args: [{ kind: 'NameRef', name: 'M' }] },
      optional: false,
    });
    expect(item('param W: real[D, L]')).toMatchObject({
      role: 'param',
      dims: [],
      type: { args: [{ name: 'D' }, { name: 'L' }] },
    });
    expect(item('latent z[N]: cat[K]')).toMatchObject({ role: 'latent', optional: false });
    expect(item('data x[N]: real[D]?')).toMatchObject({ role: 'data', optional: true });
    expect(item('param s: positive')).toMatchObject({ type: { name: { name: 'positive' }, args: [] } });
  });

  it('let binds a name to an expression', () => {
    expect(item('let m = mu + 1')).toMatchObject({
      kind: 'LetDecl',
      name: { name: 'm' },
      value: { kind: 'Binary', op: '+' },
    });
  });

  it('type names are identifiers, so an unknown one is not a syntax error', () => {
    expect(item('param q: quaternion[4]')).toMatchObject({ type: { name: { name: 'quaternion' } } });
  });
});

describe('statements', () => {
  it('for loops over a size or a range, with any items inside', () => {
    expect(item('for n in N { }')).toEqual({
      kind: 'For',
      index: { kind: 'Identifier', name: 'n' },
      hi: { kind: 'NameRef', name: 'N' },
      body: [],
    });
    expect(item('for t in 1..T[s] { let a = 1\n data b: real }')).toMatchObject({
      lo: { kind: 'NumberLit', value: 1 },
      hi: { kind: 'Index' },
      body: [{ kind: 'LetDecl' }, { kind: 'VarDecl' }],
    });
    expect(item('for i in a + 1..b * 2 {}')).toMatchObject({ lo: { op: '+' }, hi: { op: '*' } });
  });

  it('sampling takes a distribution name and arguments', () => {
    expect(item('x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])')).toMatchObject({
      kind: 'Sample',
      target: { kind: 'Index' },
      dist: { name: 'MvNormal' },
      args: [{ kind: 'Index' }, { kind: 'Index' }],
    });
    expect(item('w ~ Flat()')).toMatchObject({ kind: 'Sample', args: [] });
  });

  it('assignments parse (the checker explains why they are not allowed)', () => {
    expect(item('mu = 3')).toMatchObject({ kind: 'Assign', target: { name: 'mu' }, value: { value: 3 } });
  });

  it('items may be separated by `;` as well as line breaks', () => {
    expect(items('size N; data x[N]: real;\nx ~ F();;').map((i) => i.kind)).toEqual(['SizeDecl', 'VarDecl', 'Sample']);
  });

  it('a model may be written on one line', () => {
    expect(parseClean('model m { size N }').body).toHaveLength(1);
    expect(parseClean('model m {}').body).toHaveLength(0);
  });

  it('long expressions continue over line breaks after operators, commas and brackets', () => {
    const body = items('x[n] ~ MvNormal(\n  mu[z[n]],\n  Sigma[z[n]]\n)\nlet a = b +\n  c\nfor n in N\n{\n}');
    expect(body.map((i) => i.kind)).toEqual(['Sample', 'LetDecl', 'For']);
  });
});

describe('expressions', () => {
  it('follow the precedence: additive < multiplicative < unary minus < power < postfix', () => {
    expect(shape('a + b * c')).toBe('(a + (b * c))');
    expect(shape('a - b - c')).toBe('((a - b) - c)');
    expect(shape('a / b * c')).toBe('((a / b) * c)');
    expect(shape('-a * b')).toBe('((-a) * b)');
    expect(shape('-a^2')).toBe('(-(a ^ 2))');
    expect(shape('a^b^c')).toBe('(a ^ (b ^ c))');
    expect(shape('a^-1')).toBe('(a ^ (-1))');
    expect(shape('a^-b^c')).toBe('(a ^ (-(b ^ c)))');
    expect(shape('--a')).toBe('(-(-a))');
    expect(shape('a * -b')).toBe('(a * (-b))');
    expect(shape('x[n]^2')).toBe('(x[n] ^ 2)');
    expect(shape('(a + b) * c')).toBe('((a + b) * c)');
  });

  it('index, call and vector literals', () => {
    expect(shape('y[s][t]')).toBe('y[s][t]');
    expect(shape('W[i, j]')).toBe('W[i, j]');
    expect(shape('mu[z[n]]')).toBe('mu[z[n]]');
    expect(shape('f(a, b)')).toBe('f(a, b)');
    expect(shape('f()')).toBe('f()');
    expect(shape('softmax(x)[0]')).toBe('softmax(x)[0]');
    expect(shape('[a, b, c]')).toBe('[a, b, c]');
    expect(shape('[]')).toBe('[]');
    expect(shape('[1, 2][0]')).toBe('[1, 2][0]');
    expect(shape('(a + b)[0]')).toBe('(a + b)[0]');
    expect(shape('Categorical([0.5 + theta/4, (1 - theta)/4])')).toBe(
      'Categorical([(0.5 + (theta / 4)), ((1 - theta) / 4)])',
    );
  });

  it('number literals keep their value and whether they were written as integers', () => {
    const numbers = (
      items('let a = [12, 0.5, 1e-3, 1e+21, 2.5E3, 3.0, 3, 3e0]')[0] as Extract<Item, { kind: 'LetDecl' }>
    ).value as Extract<Expr, { kind: 'VectorLit' }>;
    expect(numbers.elements.map((e) => (e.kind === 'NumberLit' ? [e.value, e.isInteger] : e.kind))).toEqual([
      [12, true],
      [0.5, false],
      [0.001, false],
      [1e21, false],
      [2500, false],
      [3, false],
      [3, true],
      [3, false],
    ]);
  });

  it('parentheses leave no trace in the tree', () => {
    expect(stripLocations(items('let a = ((x))')[0] as Item)).toEqual(stripLocations(items('let a = x')[0] as Item));
  });
});

describe('names', () => {
  it('a keyword where a name is declared is reported, and the declaration is kept', () => {
    const p = parse('model m {\n  data for[N]: real\n  let in = 2\n}\n');
    expect(p.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['E1013', "'for' is a keyword and cannot be used as a name"],
      ['E1013', "'in' is a keyword and cannot be used as a name"],
    ]);
    expect(p.model.body.map((i) => i.kind)).toEqual(['VarDecl', 'LetDecl']);
  });

  it('words that merely start with a keyword are ordinary names', () => {
    expect(items('data format[N]: int\nlet sizes = models + index').map((i) => i.kind)).toEqual(['VarDecl', 'LetDecl']);
  });
});

describe('speed', () => {
  it('parses 600 small files in one process in well under a second', () => {
    const texts = languageModels.map((name) => readFileSync(`${modelsDir}${name}.em`, 'utf8'));
    const start = performance.now();
    for (let i = 0; i < 600; i++) parseModel(new SourceFile(`f${i}.em`, texts[i % texts.length] as string));
    const elapsed = performance.now() - start;
    // About 0.2 s here. The bound is loose so that a busy machine passes, while a parser built
    // per call (performSelfAnalysis each time) would take far longer.
    expect(elapsed).toBeLessThan(3000);
  });
});
