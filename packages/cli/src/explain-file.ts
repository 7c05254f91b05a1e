/**
 * The work behind `emforge explain`: read one model file, plan it, and print the markdown
 * derivation; a model with errors gets its diagnostics rendered exactly as `emforge check`
 * renders them, and exit 1. Loaded only when explain runs.
 */
import { explainPlan, planSource } from '@emforge/compiler';
import { hasErrors } from '@emforge/dsl';
import { formatFileBlock } from './check-report.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-codes.js';
import { reportInternalError } from './internal-error.js';
import { makePalette, wantsColor } from './palette.js';
import { readSource } from './read-source.js';

export function explainFile(path: string, io: CliIo): number {
  const read = readSource(path, io);
  const palette = makePalette(wantsColor(io, undefined));
  if ('diagnostic' in read) {
    io.stdout(`${formatFileBlock({ path, diagnostics: [read.diagnostic] }, { quiet: true, palette })}\n`);
    return ExitCode.userError;
  }
  const source = read.source;
  try {
    const outcome = planSource(source);
    if (hasErrors(outcome.diagnostics) || !outcome.plan) {
      const block = formatFileBlock(
        { path: source.path, source, diagnostics: outcome.diagnostics },
        { quiet: true, palette },
      );
      if (block === undefined) throw new Error('planning produced no plan and no error');
      io.stdout(`${block}\n`);
      return ExitCode.userError;
    }
    io.stdout(explainPlan(outcome));
    return ExitCode.ok;
  } catch (error) {
    reportInternalError(io, error, `explaining ${source.path}`);
    return ExitCode.internal;
  }
}
