/**
 * The work behind `emforge compile MODEL -o fitter.ts [--standalone]`: read, plan and lower the
 * model (load-program.ts), generate its fitter (the compiler's `emitFitter`) and write it
 * atomically, or print it without `-o`. A model the runtime or the code generator cannot handle
 * yet is an E5001 diagnostic and exit 1. Loaded only when compile runs.
 */
import { emitFitter, lowerDataSchema } from '@emforge/compiler';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-codes.js';
import { reportInternalError } from './internal-error.js';
import { loadProgram, reportDiagnostics, writeAtomically } from './load-program.js';

export interface CompileCliOptions {
  readonly out?: string;
  readonly standalone?: boolean;
}

export function compileFile(path: string, options: CompileCliOptions, io: CliIo): number {
  try {
    const loaded = loadProgram(path, io);
    if (!loaded) return ExitCode.userError;
    const { source, outcome, program } = loaded;
    const emitted = emitFitter(outcome, program, lowerDataSchema(outcome.checked), {
      standalone: options.standalone === true,
    });
    if (!emitted.value) {
      reportDiagnostics(io, [...outcome.diagnostics, ...emitted.diagnostics], [source]);
      return ExitCode.userError;
    }
    reportDiagnostics(io, outcome.diagnostics, [source]);
    if (options.out === undefined) {
      io.stdout(emitted.value);
      return ExitCode.ok;
    }
    writeAtomically(options.out, emitted.value);
    io.stderr(`wrote ${options.out}${options.standalone ? ' (standalone)' : ''}\n`);
    return ExitCode.ok;
  } catch (error) {
    reportInternalError(io, error, `compiling ${path}`);
    return ExitCode.internal;
  }
}
