/** Test helpers for the check phase: check a model given as text, and assert on its diagnostics. */
import { type Diagnostic, renderDiagnostics, SourceFile } from '@emforge/dsl';
import { expect } from 'vitest';
import { type CheckOutcome, checkSource } from '../../src/index.js';

export interface Checked extends CheckOutcome {
  /** The diagnostics rendered as the CLI prints them, for failure messages. */
  readonly rendered: string;
}

export function check(text: string, path = 'test.em'): Checked {
  const source = new SourceFile(path, text);
  const outcome = checkSource(source);
  return { ...outcome, rendered: renderDiagnostics(outcome.diagnostics, { source: () => source }) };
}

/** The source text under a diagnostic's span. */
export function textAt(result: Checked, d: Diagnostic): string | undefined {
  return d.span ? result.source.text.slice(d.span.start, d.span.end) : undefined;
}

/**
 * Asserts that checking produced a diagnostic with `code` whose span covers exactly the
 * source text `at` (and, if given, whose message contains `message`). Returns it.
 */
export function expectDiagnostic(
  result: Checked,
  code: string,
  options: { at?: string; message?: string | RegExp; hint?: string | RegExp } = {},
): Diagnostic {
  const candidates = result.diagnostics.filter((d) => d.code === code);
  const found = candidates.find(
    (d) =>
      (options.at === undefined || textAt(result, d) === options.at) &&
      (options.message === undefined || matches(d.message, options.message)) &&
      (options.hint === undefined || (d.hint !== undefined && matches(d.hint, options.hint))),
  );
  if (!found) {
    expect.fail(
      `expected ${code}${options.at !== undefined ? ` at '${options.at}'` : ''}${
        options.message !== undefined ? ` with message ${String(options.message)}` : ''
      }, got:\n${result.rendered || '(no diagnostics)'}`,
    );
  }
  return found;
}

function matches(text: string, pattern: string | RegExp): boolean {
  return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
}

/** Asserts that the model checks without any diagnostic (errors or warnings). */
export function expectClean(result: Checked): void {
  if (result.diagnostics.length > 0) expect.fail(`expected no diagnostics, got:\n${result.rendered}`);
}

/** Asserts exactly these codes, in order (after sorting by position). */
export function expectCodes(result: Checked, codes: readonly string[]): void {
  expect(
    result.diagnostics.map((d) => d.code),
    result.rendered,
  ).toEqual(codes);
}

/** Wraps model items in `model m { … }`. */
export function model(body: string): string {
  return `model m {\n${body}\n}\n`;
}
