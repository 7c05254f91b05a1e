/** Test helpers: parse model text (failing on any diagnostic) and compare it with a builder model. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Model } from '../../src/index.js';
import { parseModel, SourceFile, stripLocations } from '../../src/index.js';

/** The root of the repository, for reading `test/language/models/*.em`. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export function readLanguageModel(name: string): { path: string; text: string } {
  const path = `${repoRoot}test/language/models/${name}.em`;
  return { path, text: readFileSync(path, 'utf8') };
}

/** Parses text that must be free of syntax errors. */
export function parseText(text: string, path = 'inline.em'): Model {
  const result = parseModel(new SourceFile(path, text));
  expect(result.diagnostics).toEqual([]);
  if (!result.value) throw new Error(`no model parsed from ${path}`);
  return result.value;
}

/** Asserts that the builder model and the parsed text have the same tree, up to ids and spans. */
export function expectSameTree(built: Model, text: string, path?: string): void {
  expect(stripLocations(built)).toEqual(stripLocations(parseText(text, path)));
}
