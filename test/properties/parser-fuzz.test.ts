/**
 * Fuzzing the parser alone: start from the six LANGUAGE.md models and from printed random
 * models, apply random edits (deleted characters, inserted characters and tokens, swapped
 * adjacent chunks, truncation, stray characters), and check that `parseModel` never throws,
 * returns quickly, always returns a model, and that every diagnostic span, related span and
 * node span lies inside the file. Mutants that happen to be valid must round-trip through the
 * printer. Seeds are fixed, so a failure reproduces.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  catalogue,
  type Diagnostic,
  parseModel,
  printModel,
  renderDiagnostics,
  SourceFile,
  type Span,
  stripLocations,
  walk,
} from '@emforge/dsl';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { arbitraryModel } from './arbitrary-model.js';
import { startWatchdog } from './watchdog.js';

const modelsDir = fileURLToPath(new URL('../language/models/', import.meta.url));
const languageModels = ['gmm', 'hmm', 'fa', 'poismix', 'mixlogit', 'mvn_missing'];

/** One parse taking longer than this fails the property. */
const slowParseMs = 2_000;
/** One parse taking longer than this is a hang: the watchdog kills the run and prints the input. */
const hangMs = 10_000;
const watchdog = startWatchdog(hangMs);
afterAll(() => watchdog.stop());

// ---------------------------------------------------------------- edits

const languageTokens = [
  ...'model size data param latent let for in real cat simplex cov Normal Categorical'.split(' '),
  ...'x n N K mu z _ a_long_name_42'.split(' '),
  ...'{ } [ ] ( ) , : ; ~ = .. ? + - * / ^'.split(' '),
  ...'0 1 0.5 1e-3 1e+21 2.5E3 1e999 2x .5 1.'.split(' '),
  ...['//', '/*', '*/', '\n', ' ', '\t', '\r\n'],
];
const strayCharacters = [...'@#$`\\"\'!%&|<>.\0\f\v', 'é', 'λ', '\u00a0', '\ufeff', '\u2028', '😀', '\ud800'];

type Edit =
  | { op: 'delete'; at: number; length: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'swap'; at: number; first: number; second: number }
  | { op: 'truncate'; at: number };

const position = fc.double({ min: 0, max: 1, noNaN: true });

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: position,
    text: fc.oneof(
      fc.constantFrom(...languageTokens),
      fc.constantFrom(...strayCharacters),
      fc.string({ maxLength: 4 }),
      fc.array(fc.constantFrom(...languageTokens), { minLength: 2, maxLength: 6 }).map((t) => t.join(' ')),
    ),
  }),
  fc.record({
    op: fc.constant('swap' as const),
    at: position,
    first: fc.integer({ min: 1, max: 20 }),
    second: fc.integer({ min: 1, max: 20 }),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: position }),
);

function applyEdit(text: string, edit: Edit): string {
  const at = Math.floor(edit.at * text.length);
  switch (edit.op) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + edit.length);
    case 'insert':
      return text.slice(0, at) + edit.text + text.slice(at);
    case 'swap': {
      const a = text.slice(at, at + edit.first);
      const b = text.slice(at + edit.first, at + edit.first + edit.second);
      return text.slice(0, at) + b + a + text.slice(at + edit.first + edit.second);
    }
    case 'truncate':
      return text.slice(0, at);
  }
}

// ---------------------------------------------------------------- checks

function expectInside(span: Span | undefined, source: SourceFile, what: string): void {
  expect(span, what).toBeDefined();
  if (!span) return;
  const { text } = source;
  const ok =
    span.file === source.path &&
    span.start >= 0 &&
    span.start <= span.end &&
    span.end <= text.length &&
    span.line >= 1 &&
    span.line <= source.lineCount &&
    span.endLine >= span.line &&
    span.endLine <= source.lineCount &&
    span.col >= 1;
  expect(ok, `${what} ${JSON.stringify(span)} lies outside a file of ${text.length} characters`).toBe(true);
}

function checkDiagnostic(d: Diagnostic, source: SourceFile): void {
  expect(catalogue.has(d.code), `unknown code ${d.code}`).toBe(true);
  expect(d.code.startsWith('E1'), `${d.code} is not a syntax code`).toBe(true);
  expectInside(d.span, source, `${d.code} span`);
  for (const r of d.related ?? []) expectInside(r.span, source, `${d.code} related span`);
}

/** Parses one mutant under the watchdog and checks everything the front end promises. */
function checkParse(text: string): void {
  const source = new SourceFile('fuzz.em', text);
  const started = performance.now();
  const result = watchdog.guard(text, () => parseModel(source));
  const elapsed = performance.now() - started;
  expect(elapsed, `parse took ${elapsed.toFixed(0)} ms on ${JSON.stringify(text)}`).toBeLessThan(slowParseMs);
  const model = result.value;
  expect(model).toBeDefined();
  if (!model) return;
  for (const d of result.diagnostics) checkDiagnostic(d, source);
  walk(model, (node) => {
    expectInside(node.span, source, `${node.kind} node span`);
    if (node.kind === 'Error') expect(node.text).toBe(text.slice(node.span.start, node.span.end));
  });
  renderDiagnostics(result.diagnostics, { source: () => source });
  const printed = printModel(model);
  if (result.diagnostics.length === 0) {
    // A mutant that is still valid must survive the printer like any other model.
    const again = parseModel(new SourceFile('printed.em', printed));
    expect(again.diagnostics).toEqual([]);
    expect(again.value && stripLocations(again.value)).toEqual(stripLocations(model));
  }
}

// ---------------------------------------------------------------- properties

const seeds: [string, string][] = [
  ...languageModels.map((name): [string, string] => [name, readFileSync(`${modelsDir}${name}.em`, 'utf8')]),
  ...fc
    .sample(arbitraryModel, { numRuns: 6, seed: 99 })
    .map((m, i): [string, string] => [`printed random model ${i}`, printModel(m)]),
];

describe('parser fuzz', () => {
  seeds.forEach(([name, text], i) => {
    it(`never throws, hangs or points outside the file: ${name}`, () => {
      fc.assert(
        fc.property(fc.array(editArb, { minLength: 1, maxLength: 6 }), (edits) => {
          checkParse(edits.reduce(applyEdit, text));
        }),
        { numRuns: 300, seed: 1000 + i },
      );
    });
  });

  it('copes with soups of language tokens and stray characters', () => {
    const piece = fc.oneof(fc.constantFrom(...languageTokens), fc.constantFrom(...strayCharacters));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.constantFrom('', ' ', '\n'), (pieces, glue) => {
        checkParse(pieces.join(glue));
      }),
      { numRuns: 1000, seed: 4242 },
    );
  });

  it('copes with deep nesting and long inputs', () => {
    for (const n of [60, 300, 5000]) {
      checkParse(`model m {\n  let a = ${'('.repeat(n)}x${')'.repeat(n)}\n}\n`);
      checkParse(`model m {\n  let a = ${'[-'.repeat(n)}x\n}\n`);
      checkParse(`model m {\n  let a = ${'-'.repeat(n * 2)}x^${Array(n).fill('y').join('^')}\n}\n`);
      checkParse(`model m {\n${'  for i in N {\n'.repeat(n)}${'  }\n'.repeat(n)}}\n`);
    }
    checkParse(`model m {\n${'  x ~ Normal(0, 1)\n'.repeat(2000)}}\n`);
    checkParse(`model m {\n${'  ) ] x ~ ( [\n'.repeat(500)}`);
  });
});
