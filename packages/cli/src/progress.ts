/**
 * The live progress line of `emforge fit` on a terminal: one line per run (restart) with the
 * run number, the iteration, the objective, its relative change and the run's elapsed time,
 * redrawn in place (a carriage return, then "erase to the end of the line") at most every
 * `minInterval` ms, and finished with a newline when the run ends. It is fed by the EM driver's
 * `onIteration`; the terminal test and the clock are injected, so tests need no terminal.
 */
import type { IterationInfo } from '@emforge/runtime';

export interface ProgressOptions {
  /** Where the line goes (standard error). */
  readonly write: (text: string) => void;
  /** Whether to show anything: on a terminal only. */
  readonly isTTY: boolean;
  /** Milliseconds from a fixed point (default `performance.now`). */
  readonly now?: () => number;
  /** The least time between two redraws of a run's line, in ms (default 100). */
  readonly minInterval?: number;
}

export interface ProgressWriter {
  /** Give it to the fit as `onIteration`. */
  readonly onIteration: (info: IterationInfo) => void;
  /** Draws the last run's final state and ends its line; call once the fit returns or throws. */
  readonly finish: () => void;
}

/** ESC [ K: erase from the cursor to the end of the line (what is left of a longer line). */
const ERASE_TO_END = '\u001b[K';

/** The text of one progress line. */
export function formatProgress(info: IterationInfo, elapsedMs: number): string {
  const width = String(info.restarts).length;
  const change = info.relativeChange === undefined ? '—' : info.relativeChange.toExponential(2);
  return (
    `run ${String(info.restart + 1).padStart(width)}/${info.restarts}` +
    `  iteration ${String(info.iteration).padStart(5)}` +
    `  objective ${info.objective.toFixed(4)}` +
    `  rel. change ${change.padStart(9)}` +
    `  ${(elapsedMs / 1000).toFixed(1)} s`
  );
}

const silent: ProgressWriter = { onIteration: () => {}, finish: () => {} };

/** A progress writer; one that writes nothing when `isTTY` is false. */
export function makeProgress(options: ProgressOptions): ProgressWriter {
  if (!options.isTTY) return silent;
  const now = options.now ?? (() => performance.now());
  const minInterval = options.minInterval ?? 100;
  let last: IterationInfo | undefined;
  let lastAt = 0;
  let runStart = 0;
  let drawnAt = Number.NEGATIVE_INFINITY;
  let drawn: IterationInfo | undefined;
  const draw = (info: IterationInfo, t: number) => {
    options.write(`\r${formatProgress(info, t - runStart)}${ERASE_TO_END}`);
    drawn = info;
    drawnAt = t;
  };
  /** Shows the final state of the current run and ends its line. */
  const endLine = () => {
    if (!last) return;
    if (drawn !== last) draw(last, lastAt);
    options.write('\n');
    last = undefined;
    drawn = undefined;
  };
  return {
    onIteration(info) {
      const t = now();
      if (last && last.restart !== info.restart) endLine();
      const first = !last;
      if (first) runStart = t;
      last = info;
      lastAt = t;
      if (first || t - drawnAt >= minInterval) draw(info, t);
    },
    finish: endLine,
  };
}
