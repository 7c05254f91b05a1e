/**
 * `bindData` against hand-written schemas: size inference (plain, ragged, defaults,
 * overrides), the flat layout, and one test per validation rule, each checking that the
 * problem names the variable and the index.
 */
import { bindData, type DataProblem, type DataSchema, type DataVariableSchema } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';

const variable = (
  v: Partial<DataVariableSchema> & Pick<DataVariableSchema, 'name' | 'element'>,
): DataVariableSchema => ({
  dims: [],
  shape: [],
  optional: false,
  typeText: v.name,
  ...v,
});

const gmm: DataSchema = {
  model: 'gmm',
  sizes: [{ name: 'N' }, { name: 'D' }, { name: 'K', default: 3 }],
  data: [variable({ name: 'x', dims: ['N'], element: 'real', shape: ['D'] })],
};

const hmm: DataSchema = {
  model: 'hmm',
  sizes: [{ name: 'S' }, { name: 'T', over: 'S' }, { name: 'M', default: 3 }],
  data: [variable({ name: 'y', dims: ['S', 'T'], element: 'cat', categories: 'M' })],
};

/** A one-variable schema over `N` with the given element. */
function scalars(element: DataVariableSchema['element'], extra: Partial<DataVariableSchema> = {}): DataSchema {
  return {
    model: 'm',
    sizes: [{ name: 'N' }, { name: 'K', default: 3 }],
    data: [variable({ name: 'y', dims: ['N'], element, ...extra })],
  };
}

const kinds = (ps: readonly DataProblem[]) => ps.map((p) => p.kind);
const only = (ps: readonly DataProblem[]): DataProblem => {
  expect(ps).toHaveLength(1);
  return ps[0] as DataProblem;
};

describe('sizes', () => {
  it('infers N and D from the array lengths and keeps the default K', () => {
    const r = bindData(gmm, {
      x: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    });
    expect(r.problems).toEqual([]);
    expect(r.value?.sizes).toEqual({ N: 3, D: 2, K: 3 });
    expect(Array.from(r.value?.variables.x?.values ?? [])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.value?.variables.x?.shape).toEqual([3, 2]);
    expect(r.value?.variables.x?.itemSize).toBe(2);
  });

  it('lets --size override a default, and a data-file size key give one', () => {
    expect(bindData(gmm, { x: [[1, 2]] }, { K: 5 }).value?.sizes.K).toBe(5);
    expect(bindData(gmm, { x: [[1, 2]], K: 4 }).value?.sizes.K).toBe(4);
  });

  it('reports the odd row out, against the most common length', () => {
    const r = bindData(gmm, {
      x: [
        [1, 2, 9],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
    });
    expect(only(r.problems)).toMatchObject({
      kind: 'lengthMismatch',
      variable: 'x',
      index: [0],
      length: 3,
      size: 'D',
      expected: 2,
      source: { kind: 'array', variable: 'x', index: [1] },
    });
    expect(r.value).toBeUndefined();
  });

  it('checks a size shared by two variables', () => {
    const schema: DataSchema = {
      model: 'm',
      sizes: [{ name: 'N' }, { name: 'P' }],
      data: [
        variable({ name: 'X', dims: ['N'], element: 'real', shape: ['P'] }),
        variable({ name: 'y', dims: ['N'], element: 'count' }),
      ],
    };
    const r = bindData(schema, {
      X: [
        [1, 0],
        [1, 2],
        [1, 3],
      ],
      y: [0, 1],
    });
    expect(only(r.problems)).toMatchObject({
      kind: 'lengthMismatch',
      variable: 'y',
      index: [],
      length: 2,
      expected: 3,
    });
  });

  it('reports a size that cannot be inferred and has no default', () => {
    const schema: DataSchema = { ...gmm, sizes: [...gmm.sizes, { name: 'L' }] };
    expect(only(bindData(schema, { x: [[1, 2]] }).problems)).toEqual({ kind: 'sizeNotBound', size: 'L' });
    expect(bindData(schema, { x: [[1, 2]] }, { L: 2 }).problems).toEqual([]);
  });

  it('reports an override that disagrees with the data, an unknown one and a bad value', () => {
    expect(only(bindData(gmm, { x: [[1, 2]] }, { N: 5 }).problems)).toMatchObject({
      kind: 'lengthMismatch',
      variable: 'x',
      index: [],
      source: { kind: 'override' },
    });
    expect(only(bindData(gmm, { x: [[1, 2]] }, { Q: 5 }).problems)).toMatchObject({ kind: 'unknownSize', size: 'Q' });
    expect(only(bindData(gmm, { x: [[1, 2]] }, { K: 0 }).problems)).toMatchObject({ kind: 'sizeInvalid', size: 'K' });
    expect(only(bindData(gmm, { x: [[1, 2]], K: 2 }, { K: 3 }).problems)).toMatchObject({
      kind: 'sizeConflict',
      value: 3,
      other: 2,
    });
    expect(only(bindData(hmm, { y: [[0]] }, { T: 3 }).problems)).toMatchObject({ kind: 'unknownSize', ragged: true });
  });

  it('reports an empty array as a size that is not positive', () => {
    const r = bindData(gmm, { x: [] });
    expect(r.problems[0]).toMatchObject({ kind: 'sizeInvalid', size: 'N' });
    expect(kinds(r.problems)).toEqual(['sizeInvalid', 'sizeNotBound']);
  });
});

describe('ragged sizes', () => {
  it('infers one length per sequence and lays the sequences out with offsets', () => {
    const r = bindData(hmm, { y: [[0, 1, 2], [2], [1, 1]] });
    expect(r.problems).toEqual([]);
    expect(r.value?.sizes).toEqual({ S: 3, M: 3 });
    expect(r.value?.raggedSizes).toEqual({ T: [3, 1, 2] });
    const y = r.value?.variables.y;
    expect(Array.from(y?.offsets ?? [])).toEqual([0, 3, 4, 6]);
    expect(Array.from(y?.values ?? [])).toEqual([0, 1, 2, 2, 1, 1]);
    expect(y?.shape).toEqual([3, -1]);
    expect(y?.itemSize).toBe(1);
  });

  it('checks the lengths given in the data file', () => {
    const r = bindData(hmm, { T: [3, 2], y: [[0, 1, 2], [2]] });
    expect(only(r.problems)).toMatchObject({
      kind: 'lengthMismatch',
      variable: 'y',
      index: [1],
      size: 'T[1]',
      expected: 2,
    });
    expect(kinds(bindData(hmm, { T: [3], y: [[0, 1, 2], [2]] }).problems)).toEqual(['lengthMismatch']);
  });

  it('keeps vector elements inside ragged items', () => {
    const schema: DataSchema = {
      model: 'm',
      sizes: [{ name: 'S' }, { name: 'T', over: 'S' }, { name: 'D' }],
      data: [variable({ name: 'y', dims: ['S', 'T'], element: 'real', shape: ['D'] })],
    };
    const r = bindData(schema, {
      y: [
        [[1, 2]],
        [
          [3, 4],
          [5, 6],
        ],
      ],
    });
    expect(r.value?.variables.y?.itemSize).toBe(2);
    expect(Array.from(r.value?.variables.y?.offsets ?? [])).toEqual([0, 1, 3]);
    expect(r.value?.variables.y?.values.length).toBe(6);
  });
});

describe('structure of the data object', () => {
  it('rejects a data set that is not an object', () => {
    expect(only(bindData(gmm, [1, 2]).problems)).toEqual({ kind: 'notAnObject', found: { kind: 'array', length: 2 } });
  });

  it('reports a missing data name and warns about an unknown key', () => {
    expect(only(bindData(gmm, {}).problems)).toMatchObject({ kind: 'missingVariable', variable: 'x' });
    const r = bindData(gmm, { x: [[1]], xx: 3 });
    expect(only(r.problems)).toMatchObject({ kind: 'unknownKey', key: 'xx' });
    expect(r.value).toBeDefined();
  });

  it('reports a number where an array belongs, and an array where a number belongs', () => {
    expect(only(bindData(gmm, { x: [[1, 2], 3, [4, 5]] }).problems)).toMatchObject({
      kind: 'wrongNesting',
      variable: 'x',
      index: [1],
      expected: 'array',
      size: 'D',
    });
    expect(
      only(
        bindData(gmm, {
          x: [
            [1, 2],
            [3, [4]],
          ],
        }).problems,
      ),
    ).toMatchObject({
      kind: 'wrongNesting',
      variable: 'x',
      index: [1, 1],
      expected: 'number',
    });
  });

  it('checks a literal dimension', () => {
    const schema: DataSchema = { model: 'm', sizes: [], data: [variable({ name: 'y', dims: [3], element: 'real' })] };
    expect(only(bindData(schema, { y: [1, 2] }).problems)).toMatchObject({
      kind: 'lengthMismatch',
      size: 3,
      expected: 3,
    });
  });
});

describe('values', () => {
  it('reports text and booleans as not numbers', () => {
    const r = bindData(scalars('real'), { y: [1, '2', true] });
    expect(r.problems).toEqual([
      { kind: 'notANumber', variable: 'y', index: [1], found: { kind: 'string', text: '2' } },
      { kind: 'notANumber', variable: 'y', index: [2], found: { kind: 'boolean', value: true } },
    ]);
  });

  it('reports null without `?`, and accepts it with `?` as a missing entry', () => {
    expect(only(bindData(gmm, { x: [[1, null]] }).problems)).toMatchObject({
      kind: 'missingValue',
      variable: 'x',
      index: [0, 1],
    });
    const optional: DataSchema = { ...gmm, data: [{ ...(gmm.data[0] as DataVariableSchema), optional: true }] };
    const r = bindData(optional, { x: [[1, null], null, [3, 4]] });
    expect(r.problems).toEqual([]);
    const x = r.value?.variables.x;
    expect(Array.from(x?.missing ?? [])).toEqual([0, 1, 1, 1, 0, 0]);
    expect(Number.isNaN(x?.values[1])).toBe(true);
  });

  it('reports non-finite numbers', () => {
    expect(only(bindData(scalars('real'), { y: [1, Number.POSITIVE_INFINITY] }).problems)).toMatchObject({
      kind: 'notFinite',
      variable: 'y',
      index: [1],
    });
  });

  it.each([
    ['count', -1, 'negative'],
    ['count', 1.5, 'fractional'],
    ['int', 0.5, 'fractional'],
    ['positive', 0, 'not-positive'],
    ['prob', 1.01, 'not-probability'],
    ['prob', -0.1, 'not-probability'],
    ['cat', 3, 'category-range'],
    ['cat', -1, 'category-range'],
    ['cat', 1.5, 'fractional'],
  ] as const)('rejects %s value %d (%s)', (element, value, rule) => {
    const schema = scalars(element, element === 'cat' ? { categories: 'K' } : {});
    expect(only(bindData(schema, { y: [1, value] }).problems)).toMatchObject({
      kind: 'outsideSupport',
      variable: 'y',
      index: [1],
      value,
      rule,
    });
  });

  it.each([
    ['count', [0, 3]],
    ['int', [-2, 4]],
    ['positive', [1e-300, 2]],
    ['prob', [0, 1]],
    ['cat', [0, 2]],
  ] as const)('accepts %s values %j', (element, values) => {
    const schema = scalars(element, element === 'cat' ? { categories: 'K' } : {});
    expect(bindData(schema, { y: values }).problems).toEqual([]);
  });

  it('checks simplex rows: sums within 1e-8, exact zeros allowed, no negatives', () => {
    const schema = scalars('simplex', { shape: ['K'] });
    expect(
      bindData(schema, {
        y: [
          [1, 0, 0],
          [0.2, 0.3, 0.5 + 5e-9],
        ],
      }).problems,
    ).toEqual([]);
    expect(
      only(
        bindData(schema, {
          y: [
            [1, 0, 0],
            [0.2, 0.3, 0.4],
          ],
        }).problems,
      ),
    ).toMatchObject({
      kind: 'notASimplex',
      variable: 'y',
      index: [1],
    });
    expect(only(bindData(schema, { y: [[1.5, -0.5, 0]] }).problems)).toMatchObject({
      kind: 'notASimplex',
      index: [0],
      negativeAt: 1,
    });
  });

  it('checks covariance matrices: symmetric and positive definite', () => {
    const schema: DataSchema = {
      model: 'm',
      sizes: [{ name: 'D' }],
      data: [variable({ name: 'S', element: 'cov', shape: ['D', 'D'] })],
    };
    expect(
      bindData(schema, {
        S: [
          [2, 1],
          [1, 2],
        ],
      }).problems,
    ).toEqual([]);
    expect(
      only(
        bindData(schema, {
          S: [
            [2, 1],
            [0.5, 2],
          ],
        }).problems,
      ),
    ).toMatchObject({
      kind: 'notACovariance',
      variable: 'S',
      index: [],
      asymmetricAt: [0, 1],
    });
    const notPd = only(
      bindData(schema, {
        S: [
          [1, 2],
          [2, 1],
        ],
      }).problems,
    );
    expect(notPd).toMatchObject({ kind: 'notACovariance', variable: 'S' });
    expect(notPd).not.toHaveProperty('asymmetricAt');
  });

  it('collects many problems in one pass, capped per variable with a count of the rest', () => {
    const y = Array.from({ length: 30 }, (_, i) => -1 - i);
    const r = bindData(scalars('count'), { y }, {}, { maxProblemsPerVariable: 5 });
    expect(kinds(r.problems)).toEqual([...Array(5).fill('outsideSupport'), 'moreProblems']);
    expect(r.problems[5]).toEqual({ kind: 'moreProblems', variable: 'y', count: 25 });
  });

  it('reports problems in several variables in one pass', () => {
    const schema: DataSchema = {
      model: 'm',
      sizes: [{ name: 'N' }],
      data: [
        variable({ name: 'a', dims: ['N'], element: 'count' }),
        variable({ name: 'b', dims: ['N'], element: 'prob' }),
      ],
    };
    const r = bindData(schema, { a: [1, -1], b: [0.5, 2] });
    expect(r.problems.map((p) => ('variable' in p ? p.variable : ''))).toEqual(['a', 'b']);
  });
});
