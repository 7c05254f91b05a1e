/**
 * Fuzzing the front end through the whole check pipeline: start from every valid model
 * (examples/*\/model.em and test/language/models/*.em), apply random deletions, insertions of
 * characters and language tokens, chunk swaps, duplications, truncations and stray characters,
 * and check that `checkSource` never throws (an `InternalError` counts as a failure), never
 * hangs, and reports only diagnostics from the catalogue whose spans lie inside the file; the
 * CLI's rendering and model summary must cope with whatever it returns.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarizeModel } from '@emforge/cli';
import { checkSource } from '@emforge/compiler';
import { catalogue, type Diagnostic, renderDiagnostics, SourceFile, type Span } from '@emforge/dsl';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { startWatchdog } from './watchdog.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Cases over all seed models, shared out among them; the whole file stays well under a minute. */
const totalRuns = 6_000;
/** A single case taking longer than this fails the property (super-linear behaviour). */
const slowCaseMs = 1_000;
/** A single case taking longer than this kills the run (a hang). */
const hangMs = 10_000;

function listModels(): string[] {
  const files: string[] = [];
  const examples = join(root, 'examples');
  for (const entry of safeReaddir(examples)) files.push(join(examples, entry, 'model.em'));
  const language = join(root, 'test/language/models');
  for (const entry of safeReaddir(language)) if (entry.endsWith('.em')) files.push(join(language, entry));
  return files.filter((f) => safeRead(f) !== undefined).sort();
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function safeRead(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- mutations

/** Language tokens, well-formed and not: keywords, types, names, punctuation, numbers, comments. */
const tokens = [
  ...'model size data param latent let for in real positive prob int count cat simplex cov'.split(' '),
  ...'Normal MvNormal Categorical Poisson Dirichlet Bernoulli InvWishart Nromal'.split(' '),
  ...'exp log dot softmax zeros eye'.split(' '),
  ...'N K D x z mu n k _ a_very_long_identifier_name_0123456789'.split(' '),
  ...'{ } [ ] ( ) , : ~ = .. ? + - * / ^ .'.split(' '),
  ...'0 1 3 0.5 1e-3 1e999 12345678901234567890 1. .5 1e 0x1F'.split(' '),
  '//',
  '/*',
  '*/',
  '\n',
  ' ',
  '\t',
  '\r\n',
];

/** Characters that have no place in the language, including a lone surrogate and a BOM. */
const strays = [...'\0\r\f\v#@$`\\"\'!%&|;<>éλ\u2028\u00a0\ufeff', '😀', '\ud800'];

type Mutation =
  | { readonly op: 'delete'; readonly at: number; readonly length: number }
  | { readonly op: 'insert'; readonly at: number; readonly text: string }
  | { readonly op: 'swap'; readonly a: number; readonly b: number; readonly length: number }
  | { readonly op: 'duplicate'; readonly at: number; readonly length: number; readonly to: number }
  | { readonly op: 'truncate'; readonly at: number };

const position = fc.nat({ max: 1_000_000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 30 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      at: position,
      text: fc.oneof(
        fc.constantFrom(...tokens),
        fc.constantFrom(...strays),
        fc.string({ maxLength: 6 }),
        fc.string({ unit: 'binary', maxLength: 4 }),
        fc.array(fc.constantFrom(...tokens), { minLength: 2, maxLength: 6 }).map((ts) => ts.join(' ')),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('swap' as const),
      a: position,
      b: position,
      length: fc.integer({ min: 1, max: 40 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('duplicate' as const),
      at: position,
      length: fc.integer({ min: 1, max: 60 }),
      to: position,
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: position }) },
);

function apply(text: string, m: Mutation): string {
  const at = (p: number) => p % (text.length + 1);
  switch (m.op) {
    case 'delete': {
      const i = at(m.at);
      return text.slice(0, i) + text.slice(i + m.length);
    }
    case 'insert': {
      const i = at(m.at);
      return text.slice(0, i) + m.text + text.slice(i);
    }
    case 'swap': {
      let [i, j] = [at(m.a), at(m.b)].sort((x, y) => x - y) as [number, number];
      const length = Math.min(m.length, j - i);
      if (length === 0) return text;
      j = Math.min(j, text.length - length);
      if (j < i + length) return text;
      return (
        text.slice(0, i) +
        text.slice(j, j + length) +
        text.slice(i + length, j) +
        text.slice(i, i + length) +
        text.slice(j + length)
      );
    }
    case 'duplicate': {
      const i = at(m.at);
      const chunk = text.slice(i, i + m.length);
      const k = at(m.to);
      return text.slice(0, k) + chunk + text.slice(k);
    }
    case 'truncate':
      return text.slice(0, at(m.at));
  }
}

// ---------------------------------------------------------------- invariants

function verifySpan(span: Span, source: SourceFile, what: string): void {
  const where = `${what} ${JSON.stringify(span)}`;
  expect(span.file, where).toBe(source.path);
  expect(span.start, where).toBeGreaterThanOrEqual(0);
  expect(span.start, where).toBeLessThanOrEqual(span.end);
  expect(span.end, where).toBeLessThanOrEqual(source.text.length);
  expect(span.line, where).toBeGreaterThanOrEqual(1);
  expect(span.line, where).toBeLessThanOrEqual(source.lineCount);
  expect(span.endLine, where).toBeGreaterThanOrEqual(span.line);
  expect(span.endLine, where).toBeLessThanOrEqual(source.lineCount);
  expect(span.col, where).toBeGreaterThanOrEqual(1);
}

function verifyDiagnostic(d: Diagnostic, source: SourceFile): void {
  expect(catalogue.has(d.code), `${d.code} is in the catalogue`).toBe(true);
  expect(d.message, d.code).not.toBe('');
  if (d.span) verifySpan(d.span, source, `${d.code} span`);
  for (const r of d.related ?? []) verifySpan(r.span, source, `${d.code} related`);
}

const watchdog = startWatchdog(hangMs);
afterAll(() => watchdog.stop());

describe('the front end on mutated models', () => {
  const models = listModels();

  it('has valid models to start from', () => {
    expect(models.length).toBeGreaterThan(0);
  });

  const numRuns = Math.max(100, Math.ceil(totalRuns / Math.max(1, models.length)));
  models.forEach((path, index) => {
    const name = relative(root, path);
    const original = readFileSync(path, 'utf8');
    it(`never throws, hangs or points outside the file: ${name}`, () => {
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
          const text = mutations.reduce(apply, original);
          const source = new SourceFile(name, text);
          const started = performance.now();
          const outcome = watchdog.guard(text, () => checkSource(source));
          const elapsed = performance.now() - started;
          expect(elapsed, 'one parse + check').toBeLessThan(slowCaseMs);
          for (const d of outcome.diagnostics) verifyDiagnostic(d, source);
          renderDiagnostics(outcome.diagnostics, { source: () => source });
          if (outcome.checked) summarizeModel(outcome.checked.ast);
        }),
        { seed: 20_000 + index, numRuns },
      );
    });
  });
});
