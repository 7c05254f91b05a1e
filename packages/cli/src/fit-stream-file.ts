/**
 * `emforge fit MODEL --data FILE.csv|FILE.ndjson --stream`: the fit with the rows never all in
 * memory. The data file is read once in chunks, checked as the in-memory load checks it (the same
 * diagnostics) and spooled as float64 to a temporary file (data/spool.ts); the runtime's streamed
 * fit (runtime/src/stream/) then reads the spool in chunks on every pass and gives the same result,
 * bit for bit, as the fit without --stream. The spool is removed when the fit ends, on success,
 * on an error and (a last resort) when the process exits.
 *
 * Refused with a usage error (exit 2), saying why: --posteriors (a streamed fit keeps no
 * responsibilities), --report, --checkpoint/--resume, --se, JSON data or standard input, and a
 * model the streamed executor cannot run (not one of the specialised mixtures, several data
 * variables, ragged or missing data).
 */
import { lowerDataSchema } from '@emforge/compiler';
import { type EmFitOptions, fitStreamed, StreamSetupError, streamObstacle } from '@emforge/runtime';
import type { CliIo } from './cli-io.js';
import { spoolDataFile } from './data/spool.js';
import { ExitCode } from './exit-codes.js';
import { type FitCliOptions, formatFitText, readParamsFile } from './fit-file.js';
import { type FitOptions, initMethods, makeEmFitOptions } from './fit-options.js';
import { reportInternalError } from './internal-error.js';
import { loadProgram, reportDiagnostics, writeAtomically } from './load-program.js';
import { makeProgress } from './progress.js';

/** The options a streamed fit does not take, and why. */
function refusedOptions(options: FitCliOptions): string[] {
  const refused: string[] = [];
  if (options.posteriors !== undefined)
    refused.push('--posteriors cannot be used with --stream: a streamed fit keeps no responsibilities');
  if (options.report !== undefined)
    refused.push('--report cannot be used with --stream (the report needs the data in memory)');
  if (options.checkpoint !== undefined || options.resume !== undefined)
    refused.push('--checkpoint and --resume cannot be used with --stream');
  if (options.se) refused.push('--se cannot be used with --stream (the observed information needs the data in memory)');
  return refused;
}

export function fitStreamFile(path: string, options: FitCliOptions, io: CliIo): number {
  const usage = (message: string) => {
    io.stderr(`error: ${message}\n`);
    return ExitCode.usage;
  };
  const refused = refusedOptions(options);
  if (refused.length > 0) {
    io.stderr(refused.map((p) => `error: ${p}\n`).join(''));
    return ExitCode.usage;
  }
  let spooled: ReturnType<typeof spoolDataFile> | undefined;
  try {
    const loaded = loadProgram(path, io);
    if (!loaded) return ExitCode.userError;
    const { source, outcome, program } = loaded;
    if (program.kind !== undefined && program.kind !== 'mixture')
      return usage(
        `--stream: this model cannot be fitted streamed: it is not a finite mixture (its inference is '${program.kind}')`,
      );
    if ((options.variant ?? 'em') !== 'em')
      return usage(`--stream: the '${options.variant}' variant runs on the general executor only; use --variant em`);
    spooled = spoolDataFile(options.data, lowerDataSchema(outcome.checked), options.size, {
      ...(options.columns ? { columns: options.columns } : {}),
      ...(options.chunkRows !== undefined ? { chunkRows: options.chunkRows } : {}),
    });
    if ('usage' in spooled) return usage(spooled.usage);
    if (!('value' in spooled)) {
      reportDiagnostics(io, spooled.diagnostics, spooled.sources);
      return ExitCode.userError;
    }
    const { spool, data } = spooled.value;
    const isMethod = options.init === undefined || (initMethods as readonly string[]).includes(options.init);
    const initFile = isMethod || options.init === undefined ? {} : readParamsFile(options.init, '--init');
    const fixFile = options.fix === undefined ? {} : readParamsFile(options.fix, '--fix');
    const fitOptions: FitOptions = {
      seed: options.seed,
      restarts: options.restarts,
      maxIter: options.maxIter,
      tol: options.tol,
      ...(isMethod && options.init !== undefined ? { init: options.init as FitOptions['init'] & string } : {}),
      ...(initFile.raw ? { init: initFile.raw } : {}),
      ...(fixFile.raw ? { fixed: fixFile.raw } : {}),
      ...(options.accelerate ? { accelerate: options.accelerate } : {}),
      ...(options.regCovar !== undefined ? { regCovar: options.regCovar } : {}),
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
    };
    const em = makeEmFitOptions(program, data.sizes, fitOptions, {
      init: `--init ${options.init}`,
      fixed: `--fix ${options.fix}`,
    });
    const problems = [initFile.problem, fixFile.problem, ...em.problems].filter((p) => p !== undefined);
    if (problems.length > 0 || !em.value) {
      io.stderr(problems.map((p) => `error: ${p}\n`).join(''));
      return ExitCode.userError;
    }
    const emOptions: EmFitOptions = em.value;
    const obstacle = streamObstacle(program, data, emOptions);
    if (obstacle !== undefined) return usage(`--stream: this model cannot be fitted streamed: ${obstacle}`);
    if (!options.json) reportDiagnostics(io, [...outcome.diagnostics, ...spooled.diagnostics], [source]);
    const progress = makeProgress({
      write: io.stderr,
      isTTY: io.stdoutIsTTY && io.stderrIsTTY === true && !options.quiet,
      ...(io.now ? { now: io.now } : {}),
    });
    let result: ReturnType<typeof fitStreamed>['result'];
    try {
      result = fitStreamed(program, data, spool, {
        ...emOptions,
        ...(options.chunkRows !== undefined ? { chunkRows: options.chunkRows } : {}),
        onIteration: (info) => progress.onIteration(info),
      }).result;
    } catch (error) {
      if (error instanceof StreamSetupError) return usage(`--stream: ${error.message}`);
      throw error;
    } finally {
      progress.finish();
    }
    const json = `${JSON.stringify(result, null, 2)}\n`;
    if (options.out !== undefined) writeAtomically(options.out, json);
    io.stdout(options.json ? json : formatFitText(result));
    return ExitCode.ok;
  } catch (error) {
    reportInternalError(io, error, `fitting ${path}`);
    return ExitCode.internal;
  } finally {
    if (spooled && 'value' in spooled) spooled.value.spool.remove();
  }
}
