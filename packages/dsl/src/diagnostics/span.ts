/**
 * Source positions. A `Span` is a half-open range of a source file, kept both as
 * character offsets (for slicing) and as 1-based line/column pairs (for people).
 * Builder-made nodes point at the TypeScript call site; their offsets are -1.
 */

export interface Span {
  /** Path of the file as given by the user (or the builder's call site). */
  readonly file: string;
  /** 0-based offset of the first character; -1 when the span has no offsets. */
  readonly start: number;
  /** 0-based offset one past the last character; -1 when the span has no offsets. */
  readonly end: number;
  /** 1-based line of the first character. */
  readonly line: number;
  /** 1-based column of the first character. */
  readonly col: number;
  /** 1-based line of the last character. */
  readonly endLine: number;
  /** 1-based column one past the last character. */
  readonly endCol: number;
}

/** A source text with a line table, so offsets convert to lines and columns in O(log n). */
export class SourceFile {
  readonly path: string;
  readonly text: string;
  private readonly lineStarts: number[];

  constructor(path: string, text: string) {
    this.path = path;
    this.text = text;
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) starts.push(i + 1);
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line and column of a 0-based offset (clamped to the text). */
  position(offset: number): { line: number; col: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: o - (this.lineStarts[lo] ?? 0) + 1 };
  }

  /** The span of offsets [start, end). */
  span(start: number, end: number): Span {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return {
      file: this.path,
      start,
      end: Math.max(start, end),
      line: a.line,
      col: a.col,
      endLine: b.line,
      endCol: b.col,
    };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }
}

/** The smallest span covering both arguments (they must be in the same file). */
export function joinSpans(a: Span, b: Span): Span {
  const first = a.start <= b.start && (a.line < b.line || (a.line === b.line && a.col <= b.col)) ? a : b;
  const last = a.endLine > b.endLine || (a.endLine === b.endLine && a.endCol >= b.endCol) ? a : b;
  return {
    file: a.file,
    start: first.start,
    end: last.end,
    line: first.line,
    col: first.col,
    endLine: last.endLine,
    endCol: last.endCol,
  };
}

/** A span for things that have no place in any source (synthesised nodes). */
export const noSpan: Span = { file: '<none>', start: -1, end: -1, line: 0, col: 0, endLine: 0, endCol: 0 };
