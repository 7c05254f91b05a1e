/**
 * `emforge select MODEL --data FILE.csv|FILE.ndjson --size K=1..8 --stream`: `select` with the
 * rows never all in memory. The data file is read, checked and spooled once (data/spool.ts, at
 * the first size of the range); every size's fit then reads the spool in chunks (the runtime's
 * `fitStreamed`), with the same result, bit for bit, as `select` without --stream. The varied
 * size must not shape the data (it is the number of components, not a data dimension). The spool
 * is removed at the end, also on an error. A model the streamed executor cannot run is a usage
 * error (exit 2) naming why, as for `fit --stream`.
 */
import { lowerDataSchema } from '@emforge/compiler';
import { FitSetupError, fitStreamed, StreamSetupError, streamObstacle } from '@emforge/runtime';
import type { CliIo } from './cli-io.js';
import { spoolDataFile } from './data/spool.js';
import { ExitCode } from './exit-codes.js';
import { type FitOptions, makeEmFitOptions } from './fit-options.js';
import { errorMessage, reportInternalError } from './internal-error.js';
import { loadProgram, reportDiagnostics } from './load-program.js';
import {
  bestSize,
  formatSelectText,
  rowOf,
  type SelectCliOptions,
  type SelectRow,
  type SelectTable,
} from './select-file.js';

export function selectStreamFile(path: string, options: SelectCliOptions, io: CliIo): number {
  const usage = (message: string) => {
    io.stderr(`error: ${message}\n`);
    return ExitCode.usage;
  };
  let spooled: ReturnType<typeof spoolDataFile> | undefined;
  try {
    const loaded = loadProgram(path, io);
    if (!loaded) return ExitCode.userError;
    const { source, outcome, program } = loaded;
    if (program.kind !== undefined && program.kind !== 'mixture')
      return usage(
        `--stream: this model cannot be fitted streamed: it is not a finite mixture (its inference is '${program.kind}')`,
      );
    const schema = lowerDataSchema(outcome.checked);
    const { name, from, to } = options.range;
    if (schema.data.some((v) => [...v.dims, ...v.shape].includes(name)))
      return usage(`--stream: the size ${name} shapes the data, so each size would need its own read of the file`);
    spooled = spoolDataFile(
      options.data,
      schema,
      { ...options.size, [name]: from },
      {
        ...(options.columns ? { columns: options.columns } : {}),
        ...(options.chunkRows !== undefined ? { chunkRows: options.chunkRows } : {}),
      },
    );
    if ('usage' in spooled) return usage(spooled.usage);
    if (!('value' in spooled)) {
      reportDiagnostics(io, spooled.diagnostics, spooled.sources);
      return ExitCode.userError;
    }
    const { spool, data: first } = spooled.value;
    if (!options.json) reportDiagnostics(io, outcome.diagnostics, [source]);
    const rows: SelectRow[] = [];
    let nObs: number | undefined;
    for (let k = from; k <= to; k++) {
      const data = { ...first, sizes: { ...first.sizes, [name]: k } };
      const fitOptions: FitOptions = {
        seed: options.seed,
        restarts: options.restarts,
        maxIter: options.maxIter,
        tol: options.tol,
        ...(options.regCovar !== undefined ? { regCovar: options.regCovar } : {}),
        ...(options.threads !== undefined ? { threads: options.threads } : {}),
      };
      const em = makeEmFitOptions(program, data.sizes, fitOptions);
      if (!em.value) {
        rows.push({ size: k, error: em.problems.join('; ') });
        continue;
      }
      const obstacle = streamObstacle(program, data, em.value);
      if (obstacle !== undefined) return usage(`--stream: this model cannot be fitted streamed: ${obstacle}`);
      try {
        const { result } = fitStreamed(program, data, spool, {
          ...em.value,
          ...(options.chunkRows !== undefined ? { chunkRows: options.chunkRows } : {}),
        });
        nObs = result.nObs;
        rows.push(rowOf(k, result));
      } catch (error) {
        if (error instanceof StreamSetupError) return usage(`--stream: ${error.message}`);
        const known = error instanceof FitSetupError;
        rows.push({ size: k, error: `${known ? '' : 'internal error, please report: '}${errorMessage(error)}` });
      }
    }
    const best = bestSize(rows, options.criterion);
    const table: SelectTable = {
      model: program.model,
      size: name,
      criterion: options.criterion,
      convention: 'lower is better',
      restarts: options.restarts,
      seed: options.seed,
      ...(nObs === undefined ? {} : { nObs }),
      ...(best === undefined ? {} : { best }),
      rows,
    };
    io.stdout(options.json ? `${JSON.stringify(table, null, 2)}\n` : formatSelectText(table));
    return best === undefined ? ExitCode.userError : ExitCode.ok;
  } catch (error) {
    reportInternalError(io, error, `selecting a size for ${path}`);
    return ExitCode.internal;
  } finally {
    if (spooled && 'value' in spooled) spooled.value.spool.remove();
  }
}
