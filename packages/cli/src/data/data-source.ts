/**
 * Opens a data file for reading. JSON and CSV files are read whole into a `SourceFile`, as
 * `readSource` does for models; an NDJSON file (`.ndjson`, `.jsonl`) on disk is not read here
 * at all: it becomes a `StreamedSource`, a `SourceFile` that holds only its path, which the
 * NDJSON reader walks in chunks, line by line. Diagnostics still render their line excerpts:
 * the source keeps the lines the reader reported and reads any other one back on demand.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { type Diagnostic, ioMessages, makeDiagnostic, SourceFile, type Span } from '@emforge/dsl';
import type { CliIo } from '../cli-io.js';
import { type ReadResult, readSource } from '../read-source.js';
import { fileLines, type TextLine } from './line-reader.js';

type Problem = Parameters<typeof ioMessages.cannotReadFile.text>[0]['problem'];

const problemByErrno: Record<string, Problem> = {
  ENOENT: 'missing',
  ENOTDIR: 'missing',
  EISDIR: 'directory',
  EACCES: 'denied',
  EPERM: 'denied',
};

/** E0001 for a data file that cannot be read (`code`: the errno code, or `not-utf8`). */
export function cannotReadData(path: string, code: string): Diagnostic {
  if (code === 'not-utf8') return makeDiagnostic(ioMessages.cannotReadFile, undefined, { path, problem: 'not-utf8' });
  const problem = problemByErrno[code];
  return makeDiagnostic(
    ioMessages.cannotReadFile,
    undefined,
    problem ? { path, problem } : { path, problem: 'other', detail: code },
  );
}

/**
 * A data file known by its path only: the reader streams it. Its text is empty and it has no
 * offset table; spans into it are made by the reader from line numbers and offsets, and
 * `lineText` serves the excerpts of rendered diagnostics.
 */
export class StreamedSource extends SourceFile {
  private readonly lines = new Map<number, TextLine>();
  private counted = 0;

  constructor(path: string) {
    super(path, '');
  }

  /** The number of lines the last full read counted. */
  override get lineCount(): number {
    return this.counted;
  }

  /** Records the line count of a full read. */
  setLineCount(count: number): void {
    this.counted = count;
  }

  /** Keeps a line the reader has at hand (so rendering need not read it again). */
  remember(line: TextLine): void {
    this.lines.set(line.number, line);
  }

  /** The lines numbered in `numbers`, from memory or read back from the file. */
  fetch(numbers: Iterable<number>): Map<number, TextLine> {
    const wanted = [...numbers];
    for (const line of fileLines(
      this.path,
      wanted.filter((n) => !this.lines.has(n)),
    ).values())
      this.lines.set(line.number, line);
    const out = new Map<number, TextLine>();
    for (const n of wanted) {
      const line = this.lines.get(n);
      if (line) out.set(n, line);
    }
    return out;
  }

  override lineText(line: number): string {
    return this.fetch([line]).get(line)?.text ?? '';
  }

  override position(): never {
    throw new Error(`${this.path} is streamed: its spans come from the reader`);
  }

  override span(): Span {
    throw new Error(`${this.path} is streamed: its spans come from the reader`);
  }
}

/**
 * Opens the data file at `path`: a `StreamedSource` for NDJSON on disk (checked to be a readable
 * file here, so a missing one is reported as for any data file), else the whole file as read by
 * `readSource` (standard input, `-`, is always read whole).
 */
export function openDataSource(path: string, io?: CliIo): ReadResult {
  const lower = path.toLowerCase();
  if (path === '-' || !(lower.endsWith('.ndjson') || lower.endsWith('.jsonl'))) {
    if (!io) throw new Error('reading a whole data file needs the CLI io');
    return readSource(path, io);
  }
  try {
    const fd = openSync(path, 'r');
    try {
      if (fstatSync(fd).isDirectory()) return { diagnostic: cannotReadData(path, 'EISDIR') };
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return { diagnostic: cannotReadData(path, (error as NodeJS.ErrnoException).code ?? String(error)) };
  }
  return { source: new StreamedSource(path) };
}
