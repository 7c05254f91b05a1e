/** Test helpers for the syntax tests: parse text, find nodes, and assert diagnostics by code and place. */
import { expect } from 'vitest';
import type { Diagnostic, Model, Node, PhaseResult } from '../../src/index.js';
import { parseModel, printModel, renderDiagnostics, SourceFile, walk } from '../../src/index.js';

export interface Parsed {
  readonly source: SourceFile;
  readonly result: PhaseResult<Model>;
  readonly model: Model;
  readonly diagnostics: readonly Diagnostic[];
}

export function parse(text: string, path = 'test.em'): Parsed {
  const source = new SourceFile(path, text);
  const result = parseModel(source);
  if (!result.value) throw new Error('parseModel returned no value');
  return { source, result, model: result.value, diagnostics: result.diagnostics };
}

/** Parses text that must be free of diagnostics. */
export function parseClean(text: string): Model {
  const p = parse(text);
  expect(p.diagnostics).toEqual([]);
  return p.model;
}

/** Wraps items in a model block, parses, and returns the printed model. */
export function roundTrip(text: string): string {
  return printModel(parseClean(text));
}

/** The source text a node's span covers. */
export function textOf(p: Parsed, node: Node): string {
  return p.source.text.slice(node.span.start, node.span.end);
}

/** Every node of the model, in pre-order. */
export function nodesOf(model: Model): Node[] {
  const out: Node[] = [];
  walk(model, (n) => void out.push(n));
  return out;
}

/** The diagnostics rendered as the CLI shows them. */
export function rendered(p: Parsed): string {
  return renderDiagnostics(p.diagnostics, { source: () => p.source });
}

/**
 * Asserts that there is a diagnostic with this code whose span starts at the first occurrence
 * of `at` in the text (or of `at` after `after`), and returns it.
 */
export function expectDiagnostic(
  p: Parsed,
  code: string,
  where: { at?: string; after?: string; eof?: boolean } = {},
): Diagnostic {
  const found = p.diagnostics.filter((d) => d.code === code);
  expect(
    found.map((d) => d.code),
    rendered(p),
  ).toContain(code);
  if (where.at !== undefined) {
    const from = where.after === undefined ? 0 : p.source.text.indexOf(where.after);
    const offset = p.source.text.indexOf(where.at, from);
    expect(offset, `'${where.at}' is not in the text`).toBeGreaterThanOrEqual(0);
    const match = found.find((d) => d.span?.start === offset);
    expect(match, `no ${code} at '${where.at}' (offset ${offset}):\n${rendered(p)}`).toBeDefined();
    return match as Diagnostic;
  }
  return found[0] as Diagnostic;
}

/** Asserts the file's diagnostic codes, in order. */
export function expectCodes(p: Parsed, codes: string[]): void {
  expect(
    p.diagnostics.map((d) => d.code),
    rendered(p),
  ).toEqual(codes);
}
