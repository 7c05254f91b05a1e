/**
 * The second thread of shared restarts (restart-threads.ts): builds the fast executor for the
 * program and data of the first message on its port, then claims restart indices from the shared counter and
 * runs each (`runRestart`, the driver's own run on that restart's stream), posting every run's
 * end before counting it as posted. Any error is posted too; the thread then stops claiming.
 */
import { workerData } from 'node:worker_threads';
import { runRestart } from '../em/em-driver.js';
import { releaseArena } from '../parallel/run-blocks.js';
import { prepareFast } from './fast-mixture.js';
import { fastHooks } from './fit-fast.js';
import {
  RESTART_NEXT,
  RESTART_POSTED,
  type RestartMessage,
  type RestartWorkerData,
  type RestartWorkerStart,
} from './restart-threads.js';
import { specialiseMixture } from './specialise.js';

const { port } = workerData as RestartWorkerData;

function post(message: RestartMessage<unknown, unknown>, ctl: Int32Array): void {
  port.postMessage(message);
  Atomics.add(ctl, RESTART_POSTED, 1);
  Atomics.notify(ctl, RESTART_POSTED);
}

/** Runs the restarts it can claim for the fit `start` describes. */
function run({ program, data, options, control }: RestartWorkerStart): void {
  const ctl = new Int32Array(control);
  const restarts = Math.max(1, options.restarts ?? 1);
  try {
    const spec = specialiseMixture(program, data, options);
    if (!spec) throw new Error('the program is not one the fast executor takes');
    const fm = prepareFast(spec, 1);
    try {
      const hooks = fastHooks(fm, data, options);
      for (let r = Atomics.add(ctl, RESTART_NEXT, 1); r < restarts; r = Atomics.add(ctl, RESTART_NEXT, 1)) {
        post({ end: runRestart(hooks, options, r) }, ctl);
      }
    } finally {
      releaseArena(fm.arena);
    }
  } catch (error) {
    post({ error: error instanceof Error ? error.message : String(error) }, ctl);
  }
  port.close();
}

// One fit per worker: the first message on the port starts it.
port.once('message', run);
