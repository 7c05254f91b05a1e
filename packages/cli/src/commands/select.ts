/**
 * `emforge select MODEL --data DATA --size K=1..8`: fits the model for each value of one size
 * and prints a table of log-likelihoods and criteria, the best size marked (mclust-style).
 * Exit 0 some size fitted, 1 model or data error (or no size fitted), 2 usage error, 70
 * internal error. The work is in select-file.ts, loaded on use.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { parseColumnsOption } from '../data/columns.js';
import type { Criterion, SelectCliOptions, SizeRange } from '../select-file.js';
import type { CliCommand } from './command.js';
import { parseChoice, parseNumber } from './fit.js';

interface Sizes {
  readonly fixed: Readonly<Record<string, number>>;
  readonly range?: SizeRange;
}

/** `K=1..8` (the size to vary; one only) or `D=2` (a size held). */
function parseSizes(value: string, previous: Sizes): Sizes {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\d+)(?:\.\.(\d+))?$/.exec(value);
  if (!match) throw new InvalidArgumentError(`expected NAME=FROM..TO (like K=1..8) or NAME=VALUE, not '${value}'`);
  const name = match[1]!;
  const from = Number(match[2]);
  const to = match[3] === undefined ? undefined : Number(match[3]);
  if (from < 1 || (to !== undefined && to < from))
    throw new InvalidArgumentError(`expected positive sizes with FROM ≤ TO, not '${value}'`);
  if (to === undefined) return { ...previous, fixed: { ...previous.fixed, [name]: from } };
  if (previous.range) throw new InvalidArgumentError(`only one size can be a range; '${previous.range.name}' is one`);
  return { ...previous, range: { name, from, to } };
}

export const selectCommand: CliCommand = {
  name: 'select',
  register(program: Command, ctx): Command {
    const command = program
      .command('select')
      .description('fit a model for a range of one size (like K=1..8) and pick the best by BIC, AIC or ICL')
      .argument('<file>', "a model file (.em); '-' reads standard input")
      .requiredOption('--data <file>', 'the data: a JSON object keyed by data names, a CSV or an NDJSON file')
      .option(
        '--columns <name=cols>',
        'CSV columns (NDJSON keys) of a data variable, in entry order (repeatable): --columns x=waiting,eruptions',
        parseColumnsOption,
      )
      .requiredOption(
        '--size <name=from..to>',
        'the size to vary, like K=1..8 (once); NAME=VALUE gives another size (repeatable)',
        parseSizes,
        { fixed: {} },
      )
      .option('--criterion <name>', 'bic, aic or icl (lower is better)', parseChoice(['bic', 'aic', 'icl']), 'bic')
      .option('--seed <n>', 'seed of the random streams', parseNumber('integer'), 1)
      .option('--restarts <n>', 'independent EM runs per size; the best is kept', parseNumber('positive-integer'), 10)
      .option('--max-iter <n>', 'maximum number of iterations per run', parseNumber('positive-integer'), 1000)
      .option(
        '--tol <x>',
        'stop when the relative change of the objective is below this',
        parseNumber('non-negative'),
        1e-8,
      )
      .option('--reg-covar <x>', 'added to covariance diagonals and variances', parseNumber('non-negative'), 1e-6)
      .option(
        '--threads <n>',
        'threads of the E-step (default: every core; small data runs on one); same result for any count',
        parseNumber('positive-integer'),
      )
      .option('--json', 'print the table as one JSON object')
      .option('--stream', 'CSV/NDJSON data spooled once and read in chunks by every fit (see fit --stream)')
      .option('--chunk-rows <n>', 'rows per chunk with --stream (default 65536)', parseNumber('positive-integer'))
      .addHelpText(
        'after',
        '\nThe criteria are signed so that lower is better: BIC = -2 log-lik + params ln n,\n' +
          'AIC = -2 log-lik + 2 params, ICL = BIC + 2 entropy of the responsibilities. R mclust\n' +
          'prints -BIC (higher is better). A size that cannot be fitted is a row with its message.\n' +
          '\nExit codes: 0 some size fitted, 1 the model or the data has errors (or no size could be\n' +
          '            fitted), 2 usage error, 70 internal error in emforge (please report it).',
      );
    command.action(
      async (
        file: string,
        options: Omit<SelectCliOptions, 'range' | 'size' | 'criterion'> & { size: Sizes; criterion: string },
      ) => {
        const { range, fixed } = options.size;
        if (!range) {
          command.error('error: --size needs a range for one size, like --size K=1..8', {
            exitCode: 2,
            code: 'emforge.usage',
          });
          return;
        }
        if (options.chunkRows !== undefined && !options.stream) {
          command.error('error: --chunk-rows needs --stream', { exitCode: 2, code: 'emforge.usage' });
          return;
        }
        const { selectFile } = await import('../select-file.js');
        ctx.finish(
          selectFile(file, { ...options, range, size: fixed, criterion: options.criterion as Criterion }, ctx.io),
        );
      },
    );
    return command;
  },
};
