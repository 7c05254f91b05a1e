/**
 * How the CLI reports a bug in emforge: one line, "internal error, please report: …", and the
 * stack only when EMFORGE_DEBUG=1. Any exception that escapes a phase counts, not only
 * `InternalError`: phases report user mistakes as diagnostics, so a throw is always our fault.
 */
import type { CliIo } from './cli-io.js';

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Writes the internal-error report to stderr; `context` says what emforge was doing. */
export function reportInternalError(io: CliIo, error: unknown, context?: string): void {
  const where = context ? ` (while ${context})` : '';
  io.stderr(`emforge: internal error, please report: ${errorMessage(error)}${where}\n`);
  if (io.env.EMFORGE_DEBUG === '1' && error instanceof Error && error.stack) {
    io.stderr(`${error.stack}\n`);
  } else {
    io.stderr('(set EMFORGE_DEBUG=1 to see the stack trace)\n');
  }
}
