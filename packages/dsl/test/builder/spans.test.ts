/** Builder spans: every node points at the TypeScript line that made it, with no offsets. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Model, ModelBuilder, Node, PlateIndex, Span } from '../../src/index.js';
import { add, cat, model, real, simplex, walk } from '../../src/index.js';
import { buildElsewhere } from './span-helper.js';

const thisFile = fileURLToPath(import.meta.url);
const lines = readFileSync(thisFile, 'utf8').split('\n');

/** The 1-based line of this file that holds `marker` (a trailing comment), and the column of `code` on it. */
function at(marker: string, code?: string): { line: number; col?: number } {
  const index = lines.findIndex((l) => l.includes(`// ${marker}`));
  if (index < 0) throw new Error(`marker ${marker} not found`);
  const text = lines[index] ?? '';
  return code === undefined ? { line: index + 1 } : { line: index + 1, col: text.indexOf(code) + 1 };
}

function nodes(root: Model): Node[] {
  const out: Node[] = [];
  walk(root, (n) => {
    out.push(n);
  });
  return out;
}

function build(): Model {
  const body = (m: ModelBuilder): void => {
    const N = m.size('N'); // @size
    const K = m.size('K', 2);
    const x = m.data(
      'x',
      [N],
      real(), // @type
    );
    const w = m.param('w', simplex(K));
    const z = m.latent('z', [N], cat(K));
    const mu = m.param('mu', [K], real);
    const loop = (n: PlateIndex): void => {
      m.sample(z.at(n), m.dist.Categorical(w)); // @sample-z
      const mean = mu
        .at(z.at(n)) // @index
        .add(0);
      m.sample(
        x.at(n),
        m.dist.Normal(add(mean, 0), 1), // @dist
      );
    };
    m.for('n', N, loop); // @for
  };
  return model('spans', body); // @model
}

describe('builder spans', () => {
  const built = build();
  const body = built.body;

  it('have no offsets and name this file', () => {
    for (const n of nodes(built)) {
      expect(n.span.file).toBe(thisFile);
      expect(n.span.start).toBe(-1);
      expect(n.span.end).toBe(-1);
      expect(n.span.endLine).toBe(n.span.line);
    }
  });

  it('point at the line and column of the call that made the node', () => {
    expect(built.span).toMatchObject(at('@model', 'model('));
    expect(built.name.span.line).toBe(at('@model').line);
    expect(body[0]?.span).toMatchObject(at('@size', 'size('));
  });

  it('give a type the line of its own call, and the declaration the line of m.data', () => {
    const decl = body[2];
    if (decl?.kind !== 'VarDecl') throw new Error('expected the data declaration');
    expect(decl.type.span.line).toBe(at('@type').line);
    expect(decl.span.line).toBe(at('@type').line - 3);
    expect(decl.name.span.line).toBe(decl.span.line);
    expect(decl.dims[0]?.span.line).toBe(decl.span.line);
  });

  it('follow statements into plate callbacks', () => {
    const loop = body[6];
    if (loop?.kind !== 'For') throw new Error('expected the for loop');
    expect(loop.span).toMatchObject(at('@for', 'for('));
    expect(loop.index.span.line).toBe(at('@for').line);
    const [sampleZ, sampleX] = loop.body;
    if (sampleZ?.kind !== 'Sample' || sampleX?.kind !== 'Sample') throw new Error('expected two samples');
    expect(sampleZ.span).toMatchObject(at('@sample-z', 'sample('));
    expect(sampleZ.target.span).toMatchObject(at('@sample-z', 'at('));
    expect(sampleZ.dist.span).toMatchObject(at('@sample-z', 'Categorical('));
    // a bare handle (`w`) has the span of the call that embeds it
    expect(sampleZ.args[0]?.span).toEqual(sampleZ.dist.span);
    expect(sampleX.dist.span.line).toBe(at('@dist').line);
    const sum = sampleX.args[0];
    if (sum?.kind !== 'Binary' || sum.left.kind !== 'Binary' || sum.left.left.kind !== 'Index') {
      throw new Error('expected mu[z[n]] + 0 + 0');
    }
    expect(sum.span.line).toBe(at('@dist').line);
    expect(sum.left.span.line).toBe(at('@index').line + 1);
    expect(sum.left.left.span).toMatchObject(at('@index', 'at('));
    expect(sum.left.left.indices[0]?.span).toMatchObject(at('@index', 'at(n)'));
  });

  it('point at the first caller outside the builder, wherever the builder is called from', () => {
    const other = buildElsewhere();
    const helperFile = fileURLToPath(new URL('./span-helper.ts', import.meta.url));
    expect(other.span.file).toBe(helperFile);
    expect(other.body[0]?.span.file).toBe(helperFile);
  });

  it('are fresh per call: the same expression value embedded twice keeps its call site', () => {
    const twice = model('twice', (m) => {
      const N = m.size('N');
      const sum = add(N, 1); // @shared
      m.let('a', sum);
      m.let('b', sum);
    });
    const spans: Span[] = twice.body.flatMap((item) => (item.kind === 'LetDecl' ? [item.value.span] : []));
    expect(spans).toHaveLength(2);
    for (const s of spans) expect(s).toMatchObject(at('@shared', 'add('));
  });
});
