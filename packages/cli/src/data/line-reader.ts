/**
 * Lines of a text file read in fixed-size chunks (`fs.readSync`), so a file of any size is
 * walked with a bounded buffer and never held whole: the reader behind streamed NDJSON. The
 * bytes are decoded as UTF-8 as they come (a byte-order mark dropped, invalid bytes an error);
 * each line arrives with its 1-based number and the offset of its first character in the text,
 * a trailing `\r` dropped. The same walk over a string serves text already in memory.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** One line: its 1-based number, the character offset of its text, and the text. */
export interface TextLine {
  readonly number: number;
  /** Offset of the text's first character in the decoded text. */
  readonly start: number;
  readonly text: string;
}

/** Return `false` from a visitor to stop the walk. */
export type LineVisitor = (number: number, start: number, text: string) => boolean | undefined;

/** Bytes read per `readSync`. */
const chunkBytes = 1 << 20;

/** Why a file walk stopped short: bytes that are not UTF-8, or a failed read (its errno code). */
export type LineReadProblem = { readonly kind: 'not-utf8' } | { readonly kind: 'io'; readonly code: string };

/** Calls `visit` for every line of `text` (a byte-order mark at its start is not part of line 1). */
export function forEachTextLine(text: string, visit: LineVisitor): void {
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let number = 1; start <= text.length; number++) {
    const newline = text.indexOf('\n', start);
    let end = newline < 0 ? text.length : newline;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    if (visit(number, start, text.slice(start, end)) === false || newline < 0) return;
    start = newline + 1;
  }
}

/**
 * Calls `visit` for every line of the file at `path`, reading it in chunks; returns the problem
 * that stopped the walk, if any. Line numbers and offsets are those of the decoded text, as a
 * `SourceFile` of the whole file would count them.
 */
export function forEachFileLine(path: string, visit: LineVisitor): LineReadProblem | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return { kind: 'io', code: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buffer = Buffer.allocUnsafe(chunkBytes);
  /** The text after the last line break seen, and its offset in the whole text. */
  let pending = '';
  let pendingOrigin = 0;
  let number = 1;
  /** Emits every complete line of `pending` (all of it when `last`); false when the visitor stopped. */
  const flush = (last: boolean): boolean => {
    let start = 0;
    for (;;) {
      const newline = pending.indexOf('\n', start);
      if (newline < 0 && !last) break;
      let end = newline < 0 ? pending.length : newline;
      if (end > start && pending.charCodeAt(end - 1) === 13) end--;
      if (visit(number, pendingOrigin + start, pending.slice(start, end)) === false) return false;
      if (newline < 0) {
        start = pending.length;
        break;
      }
      number++;
      start = newline + 1;
    }
    pendingOrigin += start;
    pending = pending.slice(start);
    return true;
  };
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, chunkBytes, null);
      const text = decoder.decode(buffer.subarray(0, read), { stream: read > 0 });
      pending = pending.length === 0 ? text : pending + text;
      if (read === 0) {
        flush(true);
        return undefined;
      }
      if (!flush(false)) return undefined;
    }
  } catch (error) {
    if (error instanceof TypeError) return { kind: 'not-utf8' };
    return { kind: 'io', code: (error as NodeJS.ErrnoException).code ?? String(error) };
  } finally {
    closeSync(fd);
  }
}

/** The lines numbered in `wanted` of the file at `path` (one pass, stopping after the last). */
export function fileLines(path: string, wanted: Iterable<number>): Map<number, TextLine> {
  return collectLines((visit) => forEachFileLine(path, visit), wanted);
}

/** The lines numbered in `wanted` of `text`. */
export function textLines(text: string, wanted: Iterable<number>): Map<number, TextLine> {
  return collectLines((visit) => forEachTextLine(text, visit), wanted);
}

function collectLines(walk: (visit: LineVisitor) => unknown, wanted: Iterable<number>): Map<number, TextLine> {
  const numbers = new Set(wanted);
  const found = new Map<number, TextLine>();
  if (numbers.size === 0) return found;
  let last = 0;
  for (const n of numbers) last = Math.max(last, n);
  walk((number, start, text) => {
    if (numbers.has(number)) found.set(number, { number, start, text });
    return number < last;
  });
  return found;
}
