/** Test helper: runs `main()` in-process with captured output. */
import { fileURLToPath } from 'node:url';
import { captureIo, main } from '@emforge/cli';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; isTTY?: boolean; stdin?: string } = {},
): Promise<CliRun> {
  const io = captureIo(options);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

/** Absolute path of a file in packages/cli/test/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** A stack-trace line, which a user must never see. */
export const stackLine = /^\s+at .+[:(]/m;
