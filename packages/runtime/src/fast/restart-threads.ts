/**
 * Restarts on two threads: for a mixture too small for the parallel E-step to pay (a pass of
 * well under a millisecond), the restarts themselves are shared out instead. One worker
 * (restart-worker.ts) builds the same fast executor from the program and the data and claims
 * restart indices from a shared counter, as this thread does; each run is the same function of
 * its restart's stream wherever it runs, and the driver compares the runs in restart order
 * (`runEmShared`), so the fit is the one-thread fit bit for bit. A worker that has not started
 * yet simply claims nothing; one that fails reports its error, which is thrown here.
 */
import { statSync } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import type { BoundData } from '../data/bind-data.js';
import type { RestartShare, RunEnd } from '../em/em-driver.js';
import type { EmFitOptions } from '../em/fit.js';
import type { FitProgram } from '../em/fit-program.js';
import { workerEntry, workerExecArgv } from '../parallel/pool.js';
import { workerThreads } from '../parallel/worker-threads.js';

/** Control words (Int32): the next unclaimed restart, and the runs the worker has posted. */
const NEXT = 0;
const POSTED = 1;

/** What the worker is started with. */
export interface RestartWorkerStart {
  readonly program: FitProgram;
  readonly data: BoundData;
  /** The fit's options without functions (`onIteration`, checkpoints). */
  readonly options: EmFitOptions;
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** What the worker posts per run: its end, or why it failed. */
export type RestartMessage<P, S> = { readonly end: RunEnd<P, S> } | { readonly error: string };

export { NEXT as RESTART_NEXT, POSTED as RESTART_POSTED };

/**
 * Whether sharing restarts pays: more than one restart and thread, no checkpoints (the driver
 * saves between runs, in order), and enough work that a worker's start (tens of milliseconds on
 * the other core from the build; about a second from the sources, through tsx, in development and
 * tests) is repaid: one pass's work (`passWork`: rows × operations per row) × restarts at least
 * `MIN_WORK` (× 20 from the sources). EMFORGE_SHARE_RESTARTS=1 or 0 overrides the work test (for
 * tests and measurements).
 */
export function shareRestarts(options: EmFitOptions, threads: number, passWork: number): boolean {
  const restarts = options.restarts ?? 1;
  if (restarts < 2 || threads < 2 || options.checkpoint !== undefined || options.resume !== undefined) return false;
  const forced = process.env.EMFORGE_SHARE_RESTARTS;
  if (forced === '0' || forced === '1') return forced === '1';
  const fromSources = workerEntry('restart-worker', import.meta.url).eval;
  return passWork * restarts >= MIN_WORK * (fromSources ? 20 : 1);
}

/**
 * Pass work × restarts below which a fit keeps its restarts on one thread. Measured on the 2-core
 * benchmark machine: the worker claims its first restart ~60–100 ms after it is started, and two
 * compute-bound fits at once run at 0.57× the speed of one alone (the two cores share their
 * floating-point units), so sharing gains at most ~1.14× and needs a fit of a second or more to
 * repay the start. The 10-restart fit of 1,000 points (D = 2, K = 3, work 600,000) took 0.44 s
 * shared against 0.38 s on one thread.
 */
const MIN_WORK = 5_000_000;

/**
 * The worker's entry: from the build, its one-file bundle (scripts/bundle-cli.mjs) when that is
 * at least as new as restart-worker.js, else restart-worker.js; from the sources, through tsx.
 */
function restartWorkerEntry(): { readonly entry: string | URL; readonly eval: boolean } {
  const plain = workerEntry('restart-worker', import.meta.url);
  if (plain.eval) return plain;
  const bundled = new URL('./restart-worker.bundle.mjs', import.meta.url);
  try {
    if (statSync(bundled).mtimeMs >= statSync(plain.entry).mtimeMs) return { entry: bundled, eval: false };
  } catch {
    // no bundle: the separate modules
  }
  return plain;
}

/** Starts the worker; the share's `collect` waits for its runs, `close` stops it. */
export function restartShare<P, S>(
  program: FitProgram,
  data: BoundData,
  options: EmFitOptions,
): RestartShare<P, S> & { close(): void } {
  const control = new SharedArrayBuffer(8);
  const ctl = new Int32Array(control);
  const { onIteration: _i, checkpoint: _c, resume: _r, ...plain } = options;
  const { MessageChannel, receiveMessageOnPort, Worker } = workerThreads();
  const { port1, port2 } = new MessageChannel();
  const entry = restartWorkerEntry();
  const start: RestartWorkerStart = { program, data, options: plain, control, port: port2 };
  const worker = new Worker(entry.entry, {
    eval: entry.eval,
    execArgv: workerExecArgv(),
    workerData: start,
    transferList: [port2],
  });
  worker.unref();
  let failure: string | undefined;
  worker.on('error', (error) => {
    failure ??= error.message;
  });
  return {
    claim: () => Atomics.add(ctl, NEXT, 1),
    collect: (ranHere) => {
      const restarts = Math.max(1, options.restarts ?? 1);
      const expected = restarts - ranHere;
      const ends: RunEnd<P, S>[] = [];
      while (ends.length < expected) {
        const posted = Atomics.load(ctl, POSTED);
        if (posted <= ends.length) Atomics.wait(ctl, POSTED, posted, 100);
        for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1)) {
          const message = m.message as RestartMessage<P, S>;
          if ('error' in message) throw new Error(`a restart on the second thread failed: ${message.error}`);
          ends.push(message.end);
        }
        if (failure !== undefined) throw new Error(`the restart thread failed: ${failure}`);
      }
      return ends;
    },
    close: () => {
      port1.close();
      void worker.terminate();
    },
  };
}
