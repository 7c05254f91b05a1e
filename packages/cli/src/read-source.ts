/**
 * Reads a model file into a `SourceFile`, or explains why it cannot: a missing file, a
 * directory, text that is not UTF-8 or a permission problem becomes diagnostic E0001, never an
 * exception. The argument `-` reads standard input.
 */
import { readFileSync } from 'node:fs';
import { type Diagnostic, ioMessages, makeDiagnostic, SourceFile } from '@emforge/dsl';
import type { CliIo } from './cli-io.js';

/** The path shown for standard input. */
export const stdinPath = '<stdin>';

export type ReadResult = { readonly source: SourceFile } | { readonly diagnostic: Diagnostic };

type Problem = Parameters<typeof ioMessages.cannotReadFile.text>[0]['problem'];

const problemByErrno: Record<string, Problem> = {
  ENOENT: 'missing',
  ENOTDIR: 'missing',
  EISDIR: 'directory',
  EACCES: 'denied',
  EPERM: 'denied',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function cannotRead(path: string, problem: Problem, detail?: string): ReadResult {
  const args = detail === undefined ? { path, problem } : { path, problem, detail };
  return { diagnostic: makeDiagnostic(ioMessages.cannotReadFile, undefined, args) };
}

/** Decodes UTF-8 (dropping a byte-order mark), or returns undefined for invalid bytes. */
function decode(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export function readSource(path: string, io: CliIo): ReadResult {
  let bytes: Uint8Array;
  const shown = path === '-' ? stdinPath : path;
  try {
    bytes = path === '-' ? io.readStdin() : readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
    const problem = problemByErrno[code];
    return problem ? cannotRead(shown, problem) : cannotRead(shown, 'other', code || String(error));
  }
  const text = decode(bytes);
  if (text === undefined) return cannotRead(shown, 'not-utf8');
  return { source: new SourceFile(shown, text) };
}
