/**
 * Where a builder call was made. Builder-made nodes carry the span of the TypeScript line
 * that created them (offsets -1, since there is no `.em` text), found by reading the
 * V8 stack trace and skipping the frames that belong to the builder itself.
 */
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Span } from '../diagnostics/span.js';

/** Directories whose frames are the builder's own: this folder, in `src/` and in `dist/`. */
const builderDirs: readonly string[] = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  const swapped = here.includes(`${sep}dist${sep}`)
    ? here.replace(`${sep}dist${sep}`, `${sep}src${sep}`)
    : here.replace(`${sep}src${sep}`, `${sep}dist${sep}`);
  return [here + sep, swapped + sep];
})();

/** `    at fn (file:///a/b.ts:3:4)` or `    at /a/b.ts:3:4` → file, line, column. */
const framePattern = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

/** The span used when no call site can be found (no stack traces in this runtime). */
export const unknownSite: Span = { file: '<builder>', start: -1, end: -1, line: 0, col: 0, endLine: 0, endCol: 0 };

/** The span of the nearest caller outside the builder (file, line, column; no offsets). */
export function callSite(): Span {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const lines = stack.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const match = framePattern.exec(lines[i] ?? '');
    if (!match) continue;
    const file = toPath(match[1] ?? '');
    if (file.startsWith('node:') || builderDirs.some((dir) => file.startsWith(dir))) continue;
    const line = Number(match[2]);
    const col = Number(match[3]);
    return { file, start: -1, end: -1, line, col, endLine: line, endCol: col + 1 };
  }
  return unknownSite;
}

function toPath(location: string): string {
  if (!location.startsWith('file://')) return location;
  try {
    return fileURLToPath(location);
  } catch {
    return location;
  }
}
