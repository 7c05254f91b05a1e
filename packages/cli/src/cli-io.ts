/**
 * Everything the CLI touches in the outside world, behind one interface, so that `main()` can
 * run in-process in tests with captured output, a fake environment and a fake stdin.
 */
import { readFileSync } from 'node:fs';

export interface CliIo {
  /** Writes text to standard output (the product of a command: reports, JSON). */
  readonly stdout: (text: string) => void;
  /** Writes text to standard error (usage errors, internal errors). */
  readonly stderr: (text: string) => void;
  /** Whether standard output is a terminal; colours are used only then. */
  readonly stdoutIsTTY: boolean;
  /** Whether standard error is a terminal (absent: no); the fit progress line needs both. */
  readonly stderrIsTTY?: boolean;
  /** Milliseconds from some fixed point, for elapsed times (absent: `performance.now`). */
  readonly now?: () => number;
  /** Environment variables (NO_COLOR, EMFORGE_DEBUG). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads all of standard input, for the file argument `-`. */
  readonly readStdin: () => Buffer;
}

/**
 * The real process: stdout, stderr, environment and stdin of the running `emforge`. When the
 * reader of stdout goes away (`emforge check … | head`), emforge stops quietly instead of
 * dying with an EPIPE stack trace.
 */
export function processIo(): CliIo {
  process.stdout.once('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    readStdin: () => readFileSync(0),
  };
}

/** An in-memory `CliIo` that records what was written, for tests. */
export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

export function captureIo(
  options: {
    env?: Record<string, string>;
    isTTY?: boolean;
    stderrIsTTY?: boolean;
    now?: () => number;
    stdin?: string;
  } = {},
): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    stdoutIsTTY: options.isTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    ...(options.now ? { now: options.now } : {}),
    env: options.env ?? {},
    readStdin: () => Buffer.from(options.stdin ?? '', 'utf8'),
    out: () => out,
    err: () => err,
  };
}
