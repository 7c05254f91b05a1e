/**
 * `emforge compile MODEL -o fitter.ts [--standalone]`: writes a readable TypeScript fitter for
 * the model — `fit`, `logLik`, `posterior` and `sample`, typed from its declarations — that
 * imports @emforge/runtime, or with --standalone imports nothing. Exit 0 written, 1 the model
 * has errors or cannot be compiled yet, 2 usage error, 70 internal error. The work is in
 * compile-file.ts, loaded on use.
 */
import type { Command } from 'commander';
import type { CompileCliOptions } from '../compile-file.js';
import type { CliCommand } from './command.js';

export const compileCommand: CliCommand = {
  name: 'compile',
  register(program: Command, ctx): Command {
    const command = program
      .command('compile')
      .description('generate a standalone, readable TypeScript fitter for a model')
      .argument('<file>', "a model file (.em); '-' reads standard input")
      .option('-o, --out <file>', 'write the fitter to this file (atomically) instead of standard output')
      .option('--standalone', 'inline the runtime pieces the fitter needs: the file imports nothing')
      .addHelpText(
        'after',
        '\nExit codes: 0 written, 1 the model has errors or cannot be compiled yet, 2 usage error,\n' +
          '            70 internal error in emforge (please report it).',
      );
    command.action(async (file: string, options: CompileCliOptions) => {
      const { compileFile } = await import('../compile-file.js');
      ctx.finish(compileFile(file, options, ctx.io));
    });
    return command;
  },
};
