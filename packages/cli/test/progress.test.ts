/**
 * The progress line of `emforge fit` (progress.ts) with an injected terminal flag and clock:
 * one line per run redrawn in place with a carriage return, throttled, ended by a newline;
 * nothing off a terminal or with --quiet. And the API's `onIteration` callback.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureIo, compile, main } from '@emforge/cli';
import type { IterationInfo } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { formatProgress, makeProgress } from '../src/progress.js';
import { root } from './built-cli.js';
import { runCli } from './run-cli.js';

const info = (restart: number, iteration: number, objective: number, relativeChange?: number): IterationInfo => ({
  restart,
  restarts: 2,
  iteration,
  objective,
  ...(relativeChange === undefined ? {} : { relativeChange }),
});

const ERASE = '\u001b[K';

describe('the progress writer', () => {
  it('formats one line', () => {
    expect(formatProgress(info(0, 0, -1234.56789), 0)).toBe(
      'run 1/2  iteration     0  objective -1234.5679  rel. change         —  0.0 s',
    );
    expect(formatProgress(info(1, 37, -10, 3.21e-9), 1530)).toBe(
      'run 2/2  iteration    37  objective -10.0000  rel. change   3.21e-9  1.5 s',
    );
  });

  it('redraws in place at most every minInterval ms and ends each run with a newline', () => {
    let out = '';
    let t = 1000;
    const progress = makeProgress({ write: (s) => (out += s), isTTY: true, now: () => t, minInterval: 100 });
    progress.onIteration(info(0, 0, -3)); // t = 1000: drawn (first of a run)
    t = 1050;
    progress.onIteration(info(0, 1, -2, 0.5)); // too soon: not drawn
    t = 1150;
    progress.onIteration(info(0, 2, -1.5, 0.25)); // drawn
    t = 1200;
    progress.onIteration(info(0, 3, -1.25, 0.2)); // not drawn, but the run's last: drawn when it ends
    t = 2000;
    progress.onIteration(info(1, 0, -5)); // a new run: the last line finished, then this one
    t = 2500;
    progress.onIteration(info(1, 1, -4, 0.25));
    progress.finish();
    progress.finish(); // harmless
    expect(out.split('\n')).toEqual([
      `\r${formatProgress(info(0, 0, -3), 0)}${ERASE}\r${formatProgress(info(0, 2, -1.5, 0.25), 150)}${ERASE}` +
        `\r${formatProgress(info(0, 3, -1.25, 0.2), 200)}${ERASE}`,
      `\r${formatProgress(info(1, 0, -5), 0)}${ERASE}\r${formatProgress(info(1, 1, -4, 0.25), 500)}${ERASE}`,
      '',
    ]);
  });

  it('writes nothing off a terminal', () => {
    let out = '';
    const progress = makeProgress({ write: (s) => (out += s), isTTY: false });
    progress.onIteration(info(0, 0, -3));
    progress.finish();
    expect(out).toBe('');
  });
});

/** Runs `main()` in-process with the terminal flags and the clock given. */
async function runTty(args: readonly string[], options: Parameters<typeof captureIo>[0]) {
  const io = captureIo(options);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('emforge fit shows progress on a terminal only', () => {
  const model = join(root, 'examples/old-faithful-gmm/model.em');
  const args = ['fit', model, '--data', join(root, 'examples/old-faithful-gmm/data.json'), '--restarts', '3'];
  let clock = 0;
  const now = () => (clock += 7);

  it('a line per run on stderr when stdout and stderr are terminals; stdout as without', async () => {
    const plain = await runCli(args);
    const tty = await runTty(args, { isTTY: true, stderrIsTTY: true, now, env: { NO_COLOR: '1' } });
    expect(tty.code).toBe(0);
    const lines = tty.err.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    for (const [r, line] of lines.slice(0, 3).entries()) {
      expect(line.startsWith(`\rrun ${r + 1}/3  iteration     0  objective `)).toBe(true);
      const last = line.split('\r').at(-1)!;
      expect(last).toMatch(
        new RegExp(
          `^run ${r + 1}/3  iteration +[1-9]\\d*  objective -\\d+\\.\\d{4}  rel\\. change +-?\\d\\.\\d{2}e-\\d+  \\d+\\.\\d s\\u001b\\[K$`,
        ),
      );
    }
    expect(tty.out).toBe(plain.out);
  });

  it('nothing with --quiet, when stderr is not a terminal, or when stdout is piped', async () => {
    expect((await runTty([...args, '--quiet'], { isTTY: true, stderrIsTTY: true, now })).err).toBe('');
    expect((await runTty(args, { isTTY: true, stderrIsTTY: false, now })).err).toBe('');
    expect((await runTty([...args, '--json'], { isTTY: false, stderrIsTTY: true, now })).err).toBe('');
  });
});

describe('the API’s onIteration', () => {
  it('reports every iteration of every run with its relative change', () => {
    const model = compile(readFileSync(join(root, 'examples/old-faithful-gmm/model.em'), 'utf8'));
    const data = JSON.parse(readFileSync(join(root, 'examples/old-faithful-gmm/data.json'), 'utf8')) as object;
    const seen: IterationInfo[] = [];
    const result = model.fit(data, { restarts: 2, onIteration: (i) => seen.push(i) });
    expect(seen.filter((i) => i.iteration === 0).map((i) => i.restart)).toEqual([0, 1]);
    expect(seen.every((i) => i.restarts === 2)).toBe(true);
    for (const [j, i] of seen.entries()) {
      if (i.iteration === 0) {
        expect(i.relativeChange).toBeUndefined();
        continue;
      }
      const previous = seen[j - 1]!;
      expect(previous.iteration).toBe(i.iteration - 1);
      expect(i.relativeChange).toBe((i.objective - previous.objective) / Math.abs(i.objective));
      expect(i.relativeChange!).toBeGreaterThanOrEqual(-1e-12);
    }
    const runs = [0, 1].map((r) => seen.filter((i) => i.restart === r));
    expect(runs.map((run) => run.length - 1)).toContain(result.iterations);
    expect(runs.map((run) => run.at(-1)!.objective)).toContain(result.objective);
  });
});
