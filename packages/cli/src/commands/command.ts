/**
 * The shape of one `emforge` subcommand. Each command lives in its own module and is listed
 * once in the table of commands/index.ts; main.ts knows nothing about any particular command.
 */
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';

export interface CommandContext {
  readonly io: CliIo;
  /** Records the exit code the command finished with; `main()` returns it. */
  readonly finish: (exitCode: number) => void;
}

export interface CliCommand {
  /** The word after `emforge`. */
  readonly name: string;
  /**
   * Declares the command on `program` (via `program.command(name)`, so it inherits the output
   * and exit settings) and installs an action that reports its result through `ctx.finish`.
   */
  readonly register: (program: Command, ctx: CommandContext) => Command;
}
