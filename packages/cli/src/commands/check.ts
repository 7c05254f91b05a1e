/**
 * `emforge check FILE...`: parses and checks any number of model files in one process and
 * reports each file's diagnostics (or, for a clean file, a summary of the model), then one
 * summary line. Exit 0 when no file has errors (warnings allowed), 1 when any has, 70 when
 * emforge itself failed on some file. The work is in check-files.ts, loaded on use.
 */
import type { Command } from 'commander';
import type { CheckOptions } from '../check-files.js';
import { ExitCode } from '../exit-codes.js';
import type { CliCommand } from './command.js';

export const checkCommand: CliCommand = {
  name: 'check',
  register(program: Command, ctx): Command {
    const command = program
      .command('check')
      .description('check model files: print their diagnostics, or a summary of each clean model')
      .argument('[files...]', "model files (.em); '-' reads standard input")
      .usage('[options] <files...>')
      .option('--json', 'print one JSON object with every file and its diagnostics')
      .option('-q, --quiet', 'print only problems and the summary line')
      .option('--color', 'colour the output even when it is not a terminal')
      .option('--no-color', 'never colour the output (also: the NO_COLOR environment variable)')
      .option('--dump <stage>', 'print one stage of the compiler for each file: ast, graph or plan')
      .option('--codes', 'list every diagnostic code with its meaning (no files needed)')
      .addHelpText(
        'after',
        '\nExit codes: 0 no file has errors (warnings allowed), 1 some file has errors,\n' +
          '            2 usage error, 70 internal error in emforge (please report it).',
      );
    command.action(async (files: string[], options: CheckOptions & { codes?: boolean }) => {
      if (!options.codes && files.length === 0) {
        command.error("error: missing required argument 'files'", {
          exitCode: ExitCode.usage,
          code: 'commander.missingArgument',
        });
      }
      if (options.dump !== undefined && !['ast', 'graph', 'plan'].includes(options.dump)) {
        command.error(`error: --dump takes ast, graph or plan, not '${options.dump}'`, {
          exitCode: ExitCode.usage,
          code: 'commander.invalidArgument',
        });
      }
      const { checkFiles, formatCatalogue } = await import('../check-files.js');
      if (options.codes) {
        ctx.io.stdout(`${formatCatalogue()}\n`);
        ctx.finish(ExitCode.ok);
        return;
      }
      ctx.finish(checkFiles(files, options, ctx.io));
    });
    return command;
  },
};
