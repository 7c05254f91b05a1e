/**
 * `emforge explain FILE`: prints the derivation of the model's EM as markdown — the
 * complete-data log-likelihood, the E-step of each latent, the expected sufficient statistics
 * and the M-step of each param. Exit 0 with the markdown, 1 when the model has errors (their
 * diagnostics are printed as `check` prints them), 2 on a usage error, 70 on an internal error.
 * The work is in explain-file.ts, loaded on use.
 */
import type { Command } from 'commander';
import type { CliCommand } from './command.js';

export const explainCommand: CliCommand = {
  name: 'explain',
  register(program: Command, ctx): Command {
    const command = program
      .command('explain')
      .description('print the derivation of the E- and M-steps of a model as markdown')
      .argument('<file>', "a model file (.em); '-' reads standard input")
      .addHelpText(
        'after',
        '\nExit codes: 0 derivation printed, 1 the model has errors, 2 usage error,\n' +
          '            70 internal error in emforge (please report it).',
      );
    command.action(async (file: string) => {
      const { explainFile } = await import('../explain-file.js');
      ctx.finish(explainFile(file, ctx.io));
    });
    return command;
  },
};
