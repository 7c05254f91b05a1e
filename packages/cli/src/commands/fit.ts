/**
 * `emforge fit MODEL --data DATA`: fits a model by EM and prints the parameters and the
 * log-likelihood (or the result as JSON). Exit 0 fitted, 1 model or data error (diagnostics
 * printed), 2 usage error, 70 internal error. The work is in fit-file.ts, loaded on use.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { parseColumnsOption } from '../data/columns.js';
import type { FitCliOptions } from '../fit-file.js';
import { defaultCheckpointEvery } from '../fit-options.js';
import type { CliCommand } from './command.js';

export function parseSize(value: string, previous: Record<string, number>): Record<string, number> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\d+)$/.exec(value);
  if (!match || Number(match[2]) < 1)
    throw new InvalidArgumentError(`expected NAME=POSITIVE_INTEGER (like K=3), not '${value}'`);
  return { ...previous, [match[1]!]: Number(match[2]) };
}

export function parseNumber(kind: 'integer' | 'positive-integer' | 'non-negative') {
  return (value: string): number => {
    const v = Number(value);
    const ok =
      value.trim() !== '' &&
      (kind === 'non-negative'
        ? Number.isFinite(v) && v >= 0
        : Number.isSafeInteger(v) && (kind === 'integer' || v >= 1));
    if (!ok)
      throw new InvalidArgumentError(
        `expected ${kind === 'non-negative' ? 'a non-negative number' : kind === 'integer' ? 'an integer' : 'a positive integer'}, not '${value}'`,
      );
    return v;
  };
}

/** A value from a fixed list (`--variant em|hard|stochastic`). */
export function parseChoice(choices: readonly string[]) {
  return (value: string): string => {
    if (!choices.includes(value))
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, not '${value}'`);
    return value;
  };
}

export const fitCommand: CliCommand = {
  name: 'fit',
  register(program: Command, ctx): Command {
    const command = program
      .command('fit')
      .description('fit a model to data by EM and print the parameters and the log-likelihood')
      .argument('<file>', "a model file (.em); '-' reads standard input")
      .requiredOption('--data <file>', 'the data: a JSON object keyed by data names, a CSV or an NDJSON file')
      .option('--size <name=value>', 'give or override a size (repeatable): --size K=3', parseSize, {})
      .option(
        '--columns <name=cols>',
        'CSV columns (NDJSON keys) of a data variable, in entry order (repeatable): --columns x=waiting,eruptions',
        parseColumnsOption,
      )
      .option('--seed <n>', 'seed of the random streams', parseNumber('integer'), 1)
      .option('--restarts <n>', 'independent EM runs; the best is kept', parseNumber('positive-integer'), 10)
      .option('--max-iter <n>', 'maximum number of iterations per run', parseNumber('positive-integer'), 1000)
      .option(
        '--tol <x>',
        'stop when the relative change of the objective is below this',
        parseNumber('non-negative'),
        1e-8,
      )
      .option(
        '--init <method|file>',
        'initialisation: kmeans++ (default), random (responsibilities), random-points, or a JSON file of param values',
      )
      .option('--fix <file>', 'a JSON file of param values held fixed (not estimated, not counted in AIC/BIC)')
      .option(
        '--variant <name>',
        'em, hard (classification EM) or stochastic',
        parseChoice(['em', 'hard', 'stochastic']),
      )
      .option(
        '--accelerate <name>',
        'squarem: SQUAREM acceleration (with --variant em)',
        parseChoice(['squarem', 'none']),
      )
      .option('--reg-covar <x>', 'added to covariance diagonals and variances', parseNumber('non-negative'), 1e-6)
      .option(
        '--threads <n>',
        'threads of the E-step (default: every core; small data runs on one); same result for any count',
        parseNumber('positive-integer'),
      )
      .option(
        '--se',
        'standard errors from the observed information (a Hessian by finite differences), beside each param',
      )
      .option('--posteriors <file>', 'write the responsibilities per item and latent state (JSON, or CSV by extension)')
      .option('--json', 'print the result as one JSON object')
      .option('--out <file>', 'also write the JSON result to this file (atomically)')
      .option('--report <file>', 'write an HTML report: model, plan, derivation, traces, params and plots (offline)')
      .option('--quiet', 'no progress line (shown on a terminal only, on stderr)')
      .option('--checkpoint <file>', 'save the EM state to this file (atomically) every --checkpoint-every iterations')
      .option(
        '--checkpoint-every <n>',
        `iterations between two checkpoints (default ${defaultCheckpointEvery})`,
        parseNumber('positive-integer'),
      )
      .option('--resume <file>', 'continue a fit from its checkpoint (same model and data; keeps saving to it)')
      .option(
        '--stream',
        'CSV/NDJSON data spooled to a temporary file and read in chunks on every pass (data larger than memory); same result',
      )
      .option('--chunk-rows <n>', 'rows per chunk with --stream (default 65536)', parseNumber('positive-integer'))
      .addHelpText(
        'after',
        '\nOn a terminal a progress line per run (restart) goes to stderr: iteration, objective,\n' +
          'relative change, run k of n, elapsed time. --quiet hides it.\n' +
          '\nA resumed fit ends at exactly the result of the same fit never interrupted. It uses the\n' +
          'options saved in the checkpoint; options given again must agree with them. A checkpoint\n' +
          'of another model or other data is refused.\n' +
          '\nWith --accelerate squarem one iteration is one SQUAREM cycle (about 3 EM steps; the\n' +
          'result reports both as iterations and emSteps).\n' +
          '\nExit codes: 0 fitted, 1 the model or the data has errors (or the runtime cannot run\n' +
          '            this model yet), 2 usage error, 70 internal error in emforge (please report it).',
      );
    command.action(async (file: string, options: FitCliOptions) => {
      if (options.accelerate === 'squarem' && (options.variant ?? 'em') !== 'em') {
        command.error(`error: --accelerate squarem works with --variant em only, not '${options.variant}'`, {
          exitCode: 2,
          code: 'emforge.usage',
        });
      }
      if (options.checkpointEvery !== undefined && options.checkpoint === undefined && options.resume === undefined) {
        command.error('error: --checkpoint-every needs --checkpoint FILE (or --resume FILE)', {
          exitCode: 2,
          code: 'emforge.usage',
        });
      }
      if (options.chunkRows !== undefined && !options.stream) {
        command.error('error: --chunk-rows needs --stream', { exitCode: 2, code: 'emforge.usage' });
      }
      const { fitFile } = await import('../fit-file.js');
      const explicit = command.options
        .map((o) => o.attributeName())
        .filter((name) => command.getOptionValueSource(name) === 'cli');
      ctx.finish(fitFile(file, { ...options, explicit }, ctx.io));
    });
    return command;
  },
};
