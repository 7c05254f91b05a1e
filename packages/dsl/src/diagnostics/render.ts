/**
 * Renders diagnostics for people:
 *
 *     model.em:12:20: error[E2003]: message
 *        12 |     x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
 *           |                     ^^^^^^^^
 *        = hint: …
 *
 * Used by the CLI and by the golden tests, so both show exactly the same text.
 */
import type { Diagnostic } from './diagnostic.js';
import type { SourceFile, Span } from './span.js';

export interface RenderOptions {
  /** Looks up the source of a span's file; without it only the header lines are printed. */
  readonly source?: (file: string) => SourceFile | undefined;
  /** Wraps parts of the output in colour codes. Identity when omitted. */
  readonly color?: {
    readonly error: (s: string) => string;
    readonly warning: (s: string) => string;
    readonly note: (s: string) => string;
    readonly dim: (s: string) => string;
    readonly bold: (s: string) => string;
  };
}

const identity = (s: string): string => s;

export function formatLocation(span: Span | undefined): string {
  if (!span) return '';
  return `${span.file}:${span.line}:${span.col}`;
}

/** The source line of a span with carets under it, or [] when the source is unknown. */
function excerpt(
  span: Span,
  source: SourceFile | undefined,
  mark: (s: string) => string,
  dim: (s: string) => string,
): string[] {
  if (!source || span.line < 1 || span.line > source.lineCount) return [];
  const text = source.lineText(span.line).replace(/\t/g, ' ');
  const gutter = String(span.line);
  const pad = ' '.repeat(gutter.length);
  const startCol = Math.min(span.col, text.length + 1);
  const endCol = span.endLine === span.line ? Math.max(span.endCol, startCol + 1) : text.length + 1;
  const width = Math.max(1, Math.min(endCol, text.length + 1) - startCol);
  return [
    `${dim(`${gutter} |`)} ${text}`.trimEnd(),
    `${dim(`${pad} |`)} ${' '.repeat(startCol - 1)}${mark('^'.repeat(width))}`,
  ];
}

export function renderDiagnostic(d: Diagnostic, options: RenderOptions = {}): string {
  const color = options.color ?? { error: identity, warning: identity, note: identity, dim: identity, bold: identity };
  const mark = color[d.severity];
  const where = formatLocation(d.span);
  const head = `${where ? `${where}: ` : ''}${mark(`${d.severity}[${d.code}]`)}: ${color.bold(d.message)}`;
  const lines = [head];
  if (d.span) lines.push(...excerpt(d.span, options.source?.(d.span.file), mark, color.dim));
  if (d.hint) lines.push(`  = hint: ${d.hint}`);
  for (const r of d.related ?? []) {
    lines.push(`  ${color.note('note')}: ${r.message} (${formatLocation(r.span)})`);
    lines.push(...excerpt(r.span, options.source?.(r.span.file), color.note, color.dim).map((l) => `  ${l}`));
  }
  return lines.join('\n');
}

export function renderDiagnostics(ds: readonly Diagnostic[], options: RenderOptions = {}): string {
  return ds.map((d) => renderDiagnostic(d, options)).join('\n');
}

/** The JSON form of a diagnostic, as printed by `--json`. */
export function diagnosticToJson(d: Diagnostic): Record<string, unknown> {
  const out: Record<string, unknown> = { code: d.code, severity: d.severity, message: d.message };
  if (d.span) out.span = d.span;
  if (d.hint) out.hint = d.hint;
  if (d.related) out.related = d.related;
  return out;
}
