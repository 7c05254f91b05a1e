/**
 * The table of `emforge` subcommands, in the order `emforge --help` lists them. Adding a
 * command (explain, compile, fit, select, sample) is one module and one line here.
 */
import { checkCommand } from './check.js';
import type { CliCommand } from './command.js';
import { compileCommand } from './compile.js';
import { explainCommand } from './explain.js';
import { fitCommand } from './fit.js';
import { sampleCommand } from './sample.js';
import { selectCommand } from './select.js';

export type { CliCommand, CommandContext } from './command.js';

export const commands: readonly CliCommand[] = [
  checkCommand,
  explainCommand,
  compileCommand,
  fitCommand,
  selectCommand,
  sampleCommand,
];
