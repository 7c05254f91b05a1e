/**
 * Gives every size a value before the data are validated against it. In order of strength:
 * a `--size` override, a size given in the data file, the most common length of the arrays
 * the size measures (so one bad row is reported as the odd one out, not every other row), and
 * the declaration's default. Ragged sizes get one length per index of the size they are over.
 */
import { type DataProblem, describeValue, type SizeSource } from './data-problems.js';
import { type DataSchema, type DataVariableSchema, fullShape, type SizeSchema } from './data-schema.js';

export interface ResolvedSize {
  readonly value: number;
  readonly source: SizeSource;
}

export interface ResolvedRagged {
  /** One length per index of the `over` size; undefined where nothing gave one. */
  readonly lengths: readonly (number | undefined)[];
  /** Where each length came from (a data file key gives them all at once). */
  readonly sources: readonly SizeSource[];
}

export interface SizeResolution {
  readonly sizes: ReadonlyMap<string, ResolvedSize>;
  readonly ragged: ReadonlyMap<string, ResolvedRagged>;
}

interface Observation {
  readonly length: number;
  readonly variable: string;
  readonly index: readonly number[];
}

function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** Lengths every array in the data set shows for each size (before anything is validated). */
class Survey {
  readonly plain = new Map<string, Observation[]>();
  readonly ragged = new Map<string, Map<number, Observation[]>>();

  constructor(private readonly sizes: ReadonlyMap<string, SizeSchema>) {}

  visit(v: DataVariableSchema, value: unknown, level: number, index: number[]): void {
    const shape = fullShape(v);
    const entry = shape[level];
    if (entry === undefined || !Array.isArray(value)) return;
    if (typeof entry === 'string') {
      const obs: Observation = { length: value.length, variable: v.name, index: [...index] };
      const over = this.sizes.get(entry)?.over;
      if (over !== undefined) {
        const s = index[level - 1] ?? 0;
        const table = this.ragged.get(entry) ?? new Map<number, Observation[]>();
        this.ragged.set(entry, table);
        const list = table.get(s) ?? [];
        table.set(s, list);
        list.push(obs);
      } else {
        const list = this.plain.get(entry) ?? [];
        this.plain.set(entry, list);
        list.push(obs);
      }
    }
    if (level + 1 >= shape.length) return;
    value.forEach((child, i) => {
      index.push(i);
      this.visit(v, child, level + 1, index);
      index.pop();
    });
  }
}

/** The most common length (the earliest seen among equals) and the first array showing it. */
function majority(observations: readonly Observation[]): Observation | undefined {
  const counts = new Map<number, number>();
  for (const o of observations) counts.set(o.length, (counts.get(o.length) ?? 0) + 1);
  let best: Observation | undefined;
  for (const o of observations) {
    if (!best || (counts.get(o.length) ?? 0) > (counts.get(best.length) ?? 0)) best = o;
  }
  return best;
}

const arraySource = (o: Observation): SizeSource => ({ kind: 'array', variable: o.variable, index: o.index });

export function resolveSizes(
  schema: DataSchema,
  data: Readonly<Record<string, unknown>>,
  overrides: Readonly<Record<string, number>>,
  report: (p: DataProblem) => void,
): SizeResolution {
  // A size measured only by a variable the data lack is not reported: the missing variable is.
  const absent = schema.data.filter((v) => !Object.hasOwn(data, v.name));
  const quiet = new Set(absent.flatMap((v) => [...fullShape(v), v.categories]).filter((e) => typeof e === 'string'));
  const unbound = (size: string, over?: string): void => {
    if (!quiet.has(size))
      report(over === undefined ? { kind: 'sizeNotBound', size } : { kind: 'sizeNotBound', size, over });
  };
  const byName = new Map(schema.sizes.map((s) => [s.name, s]));
  const sizes = new Map<string, ResolvedSize>();
  const ragged = new Map<string, ResolvedRagged>();
  const fileRagged = new Map<string, readonly number[]>();

  for (const [name, value] of Object.entries(overrides)) {
    const size = byName.get(name);
    if (!size || size.over !== undefined) {
      const known = schema.sizes.filter((s) => s.over === undefined).map((s) => s.name);
      report({ kind: 'unknownSize', size: name, known, ragged: size !== undefined });
    } else if (!isPositiveInteger(value)) {
      report({ kind: 'sizeInvalid', size: name, found: describeValue(value), source: { kind: 'override' } });
    } else {
      sizes.set(name, { value, source: { kind: 'override' } });
    }
  }

  for (const size of schema.sizes) {
    if (!Object.hasOwn(data, size.name)) continue;
    const value = data[size.name];
    const source: SizeSource = { kind: 'file' };
    if (size.over !== undefined) {
      const bad = Array.isArray(value) ? value.find((l) => !isPositiveInteger(l)) : value;
      if (Array.isArray(value) && bad === undefined) fileRagged.set(size.name, value as number[]);
      else report({ kind: 'sizeInvalid', size: size.name, found: describeValue(bad), source });
    } else if (!isPositiveInteger(value)) {
      report({ kind: 'sizeInvalid', size: size.name, found: describeValue(value), source });
    } else {
      const fixed = sizes.get(size.name);
      if (fixed && fixed.value !== value) {
        report({
          kind: 'sizeConflict',
          size: size.name,
          value: fixed.value,
          source: fixed.source,
          other: value,
          otherSource: source,
        });
      } else if (!fixed) {
        sizes.set(size.name, { value, source });
      }
    }
  }

  const survey = new Survey(byName);
  for (const v of schema.data) survey.visit(v, data[v.name], 0, []);

  for (const size of schema.sizes) {
    if (size.over !== undefined || sizes.has(size.name)) continue;
    const best = majority(survey.plain.get(size.name) ?? []);
    if (best && best.length > 0) sizes.set(size.name, { value: best.length, source: arraySource(best) });
    else if (best) {
      report({ kind: 'sizeInvalid', size: size.name, found: describeValue(0), source: arraySource(best) });
    } else if (size.default !== undefined)
      sizes.set(size.name, { value: size.default, source: { kind: 'declaration' } });
    else unbound(size.name);
  }

  for (const size of schema.sizes) {
    if (size.over === undefined) continue;
    const count = sizes.get(size.over)?.value;
    const given = fileRagged.get(size.name);
    if (given) {
      ragged.set(size.name, { lengths: given, sources: given.map(() => ({ kind: 'file' }) as const) });
      if (count !== undefined && given.length !== count) {
        report({
          kind: 'lengthMismatch',
          variable: size.name,
          index: [],
          length: given.length,
          size: size.over,
          expected: count,
          source: sizes.get(size.over)?.source ?? { kind: 'declaration' },
        });
      }
      continue;
    }
    const table = survey.ragged.get(size.name);
    if (count === undefined || !table) {
      if (count !== undefined || !table) unbound(size.name, size.over);
      continue;
    }
    const lengths: (number | undefined)[] = [];
    const sources: SizeSource[] = [];
    for (let s = 0; s < count; s++) {
      const best = majority(table.get(s) ?? []);
      if (best && best.length === 0) {
        report({ kind: 'sizeInvalid', size: size.name, found: describeValue(0), source: arraySource(best) });
      }
      lengths.push(best && best.length > 0 ? best.length : undefined);
      sources.push(best ? arraySource(best) : { kind: 'declaration' });
    }
    ragged.set(size.name, { lengths, sources });
  }
  return { sizes, ragged };
}
