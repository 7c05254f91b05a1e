/**
 * The `emforge` command: builds the commander program from the command table, runs it, and
 * turns every outcome into an exit code. `main()` never calls `process.exit` and writes only
 * through the given `CliIo`, so tests run it in-process (bin/emforge.js sets the exit code).
 *
 * Exit codes (exit-codes.ts): 0 success, 1 a model or input error (diagnostics printed),
 * 2 usage error (message and usage on stderr), 70 internal error ("please report").
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { type CliIo, processIo } from './cli-io.js';
import { commands } from './commands/index.js';
import { ExitCode } from './exit-codes.js';
import { reportInternalError } from './internal-error.js';

/** The version of @emforge/cli (src/ and dist/ both sit one level below package.json). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

function makeProgram(io: CliIo, finish: (exitCode: number) => void): Command {
  const program = new Command('emforge')
    .description('compile latent-variable models into EM fitters')
    .version(cliVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .showHelpAfterError("(run 'emforge --help' for usage)")
    .addHelpText('after', '\nRun `emforge COMMAND --help` for the options of a command.');
  for (const spec of commands) {
    const command = spec.register(program, { io, finish });
    command.showHelpAfterError(
      `Usage: emforge ${spec.name} ${command.usage()}\n(run 'emforge ${spec.name} --help' for details)`,
    );
  }
  return program;
}

/**
 * Exit code for commander's own early exits: help asked for (`--help`, `help check`) and
 * `--version` succeed (commander's code 0); everything else, including help shown because no
 * command was given, is a usage error.
 */
function commanderExitCode(error: CommanderError): number {
  return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
}

/** Runs `emforge` with the arguments after the program name; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = ExitCode.ok;
  try {
    const program = makeProgram(io, (code) => {
      exitCode = code;
    });
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExitCode(error);
    reportInternalError(io, error);
    return ExitCode.internal;
  }
}
