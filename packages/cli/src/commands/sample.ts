/**
 * `emforge sample MODEL --params fit.json --size N=1000 --seed 1 -o data.json`: draws a data
 * set from a model with given params (ancestral sampling), in the format `fit --data` reads.
 * Exit 0 written, 1 model, params or data error (a message naming the param), 2 usage error,
 * 70 internal error. The work is in sample-file.ts, loaded on use.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { parseColumnsOption } from '../data/columns.js';
import type { SampleCliOptions } from '../sample-file.js';
import type { CliCommand } from './command.js';

type Sizes = Record<string, number | readonly number[]>;

/** `N=1000`, or for a ragged size one length per sequence: `T=50,80,120`. */
function parseSize(value: string, previous: Sizes): Sizes {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\d+(?:,\d+)*)$/.exec(value);
  const lengths = match ? match[2]!.split(',').map(Number) : [];
  if (!match || lengths.some((v) => v < 1))
    throw new InvalidArgumentError(
      `expected NAME=POSITIVE_INTEGER (like N=1000) or, for a ragged size, NAME=L1,L2,… (like T=50,80), not '${value}'`,
    );
  return { ...previous, [match[1]!]: lengths.length === 1 ? lengths[0]! : lengths };
}

function parseSeed(value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(v))
    throw new InvalidArgumentError(`expected an integer, not '${value}'`);
  return v;
}

export const sampleCommand: CliCommand = {
  name: 'sample',
  register(program: Command, ctx): Command {
    const command = program
      .command('sample')
      .description('draw a data set from a model with given params (ancestral sampling)')
      .argument('<file>', "a model file (.em); '-' reads standard input")
      .requiredOption('--params <file>', 'the params: a fit result (fit --json) or a JSON object of params')
      .option(
        '--size <name=value>',
        'give or override a size (repeatable): --size N=1000; a ragged size one length per sequence: --size T=50,80',
        parseSize,
        {},
      )
      .option('--seed <n>', 'seed of the random stream', parseSeed, 1)
      .option('--data <file>', 'data the model reads but does not draw (trials, covariates, tables)')
      .option(
        '--columns <name=cols>',
        'CSV columns (NDJSON keys) of a --data variable, in entry order (repeatable): --columns x=waiting,eruptions',
        parseColumnsOption,
      )
      .option('-o, --out <file>', 'write the data set to this file (atomically) instead of standard output')
      .option('--latents <file>', 'also write the drawn latent states to this JSON file')
      .addHelpText(
        'after',
        '\nExit codes: 0 sampled, 1 the model, the params or the data has errors, 2 usage error,\n' +
          '            70 internal error in emforge (please report it).',
      );
    command.action(async (file: string, options: SampleCliOptions) => {
      const { sampleFile } = await import('../sample-file.js');
      ctx.finish(sampleFile(file, options, ctx.io));
    });
    return command;
  },
};
