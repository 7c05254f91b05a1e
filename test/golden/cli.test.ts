/**
 * Golden tests of the `emforge` command line. Each case is `cli/<case>.args` (the arguments,
 * one per line, paths relative to the repository root) and `cli/<case>.expected`: the command,
 * then stdout, then stderr (after a `[stderr]` line, when there is any) and the exit code,
 * exactly as printed without colour. `UPDATE_GOLDEN=1` (`pnpm golden:update`) rewrites the
 * expected files; review them with `git diff`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureIo, main } from '@emforge/cli';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = fileURLToPath(new URL('./cli/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.args'))
  .map((f) => f.slice(0, -'.args'.length))
  .sort();

/** Runs one case in-process, as if from the repository root, and formats what it printed. */
async function runCase(name: string): Promise<string> {
  const args = readFileSync(join(dir, `${name}.args`), 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  const io = captureIo({ env: {}, isTTY: false });
  const code = await main(args, io);
  const parts = [`$ emforge ${args.join(' ')}\n`, io.out()];
  if (io.err() !== '') parts.push('[stderr]\n', io.err());
  parts.push(`[exit ${code}]\n`);
  return parts.join('');
}

beforeAll(() => {
  // Paths in the .args files are relative to the repository root, and show up in the output.
  process.chdir(root);
});

describe('emforge command line (golden)', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s', async (name) => {
    const actual = await runCase(name);
    const expectedPath = join(dir, `${name}.expected`);
    if (update || !existsSync(expectedPath)) {
      writeFileSync(expectedPath, actual);
      if (!update) throw new Error(`${name}.expected did not exist; it was written, review it and rerun`);
      return;
    }
    expect(actual).toBe(readFileSync(expectedPath, 'utf8'));
  });
});
