/**
 * What `emforge check` prints, as text or as JSON, from the per-file results. Kept apart from
 * the command so the layout is in one place:
 *
 *     path:3:5: error[E2003]: …          one block per file: its diagnostics, rendered with the
 *      3 |   …                           source line, a caret and the hint, then (for a file
 *        |   ^^^                         without errors) the "ok" line and the model summary
 *       = hint: …
 *
 *     checked 3 files: 1 with errors (2 errors, 1 warning)
 */
import { type Diagnostic, diagnosticToJson, renderDiagnostics, type SourceFile } from '@emforge/dsl';
import { formatModelSummaryLines, type ModelSummary } from './model-summary.js';
import { type Palette, renderColors } from './palette.js';
import { formatPlanSummaryLines, type PlanSummary } from './plan-summary.js';

export interface FileResult {
  /** The path as the user wrote it (`<stdin>` for `-`). */
  readonly path: string;
  readonly source?: SourceFile;
  readonly diagnostics: readonly Diagnostic[];
  /** Present when the file checked without errors. */
  readonly model?: ModelSummary;
  /** The inference plan, when the file checked and planned without errors. */
  readonly plan?: PlanSummary;
  /** Set when checking the file hit a bug in emforge (already reported on stderr). */
  readonly internalError?: string;
}

export interface CheckTotals {
  readonly files: number;
  readonly filesWithErrors: number;
  readonly internalErrors: number;
  readonly errors: number;
  readonly warnings: number;
}

export function isOk(r: FileResult): boolean {
  return r.internalError === undefined && !r.diagnostics.some((d) => d.severity === 'error');
}

export function computeTotals(results: readonly FileResult[]): CheckTotals {
  let errors = 0;
  let warnings = 0;
  for (const r of results) {
    for (const d of r.diagnostics) {
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
    }
  }
  return {
    files: results.length,
    filesWithErrors: results.filter((r) => r.internalError === undefined && !isOk(r)).length,
    internalErrors: results.filter((r) => r.internalError !== undefined).length,
    errors,
    warnings,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `checked 3 files: 1 with errors (2 errors, 1 warning)` or `checked 6 files: all ok`. */
export function formatSummaryLine(t: CheckTotals, p: Palette): string {
  const states: string[] = [];
  if (t.filesWithErrors > 0) states.push(p.error(`${t.filesWithErrors} with errors`));
  if (t.internalErrors > 0) states.push(p.error(`${t.internalErrors} failed with an internal error`));
  if (states.length === 0) states.push(p.ok('all ok'));
  const counts: string[] = [];
  if (t.errors > 0) counts.push(plural(t.errors, 'error'));
  if (t.warnings > 0) counts.push(plural(t.warnings, 'warning'));
  const tail = counts.length > 0 ? ` (${counts.join(', ')})` : '';
  return `checked ${plural(t.files, 'file')}: ${states.join(', ')}${tail}`;
}

/** `path: ok — model gmm` (with the warning count when there are warnings). */
function formatOkLine(r: FileResult, model: ModelSummary, p: Palette): string {
  const warnings = r.diagnostics.filter((d) => d.severity === 'warning').length;
  const status = warnings > 0 ? `ok, ${plural(warnings, 'warning')}` : 'ok';
  return `${p.bold(r.path)}: ${p.ok(status)} — model ${p.bold(model.name)}`;
}

/**
 * The text block of one file, or undefined when there is nothing to print (a clean file under
 * `--quiet`, or a file whose only news was an internal error, which went to stderr).
 */
export function formatFileBlock(r: FileResult, options: { quiet: boolean; palette: Palette }): string | undefined {
  const p = options.palette;
  const paragraphs: string[] = [];
  const source = r.source;
  const render = {
    source: (file: string) => (source && file === source.path ? source : undefined),
    color: renderColors(p),
  };
  // Rendered exactly as the golden tests show them (test/golden/**/*.expected).
  if (r.diagnostics.length > 0) paragraphs.push(renderDiagnostics(r.diagnostics, render));
  if (r.model && isOk(r) && !options.quiet) {
    const planLines = r.plan ? formatPlanSummaryLines(r.plan, p.dim) : [];
    paragraphs.push([formatOkLine(r, r.model, p), ...formatModelSummaryLines(r.model, p.dim), ...planLines].join('\n'));
  }
  return paragraphs.length === 0 ? undefined : paragraphs.join('\n\n');
}

/**
 * Writes the text report as results arrive (so a long run shows progress): the file blocks
 * separated by blank lines, then, from `finish`, the summary line.
 */
export class TextReporter {
  private readonly results: FileResult[] = [];
  private wroteBlock = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly options: { quiet: boolean; palette: Palette },
  ) {}

  file(r: FileResult): void {
    this.results.push(r);
    const block = formatFileBlock(r, this.options);
    if (block === undefined) return;
    this.write(`${this.wroteBlock ? '\n' : ''}${block}\n`);
    this.wroteBlock = true;
  }

  finish(): void {
    const summary = formatSummaryLine(computeTotals(this.results), this.options.palette);
    this.write(`${this.wroteBlock ? '\n' : ''}${summary}\n`);
  }
}

/** The single JSON object printed by `--json`. */
export function makeJsonReport(results: readonly FileResult[]): unknown {
  const totals = computeTotals(results);
  return {
    files: results.map((r) => {
      const entry: Record<string, unknown> = {
        path: r.path,
        ok: isOk(r),
        diagnostics: r.diagnostics.map(diagnosticToJson),
      };
      if (r.model && isOk(r)) entry.model = r.model;
      if (r.plan && isOk(r)) entry.plan = r.plan;
      if (r.internalError !== undefined) entry.internalError = r.internalError;
      return entry;
    }),
    summary: {
      files: totals.files,
      filesWithErrors: totals.filesWithErrors,
      internalErrors: totals.internalErrors,
      errors: totals.errors,
      warnings: totals.warnings,
    },
  };
}
