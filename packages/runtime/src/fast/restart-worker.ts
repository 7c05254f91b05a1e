/**
 * The second thread of shared restarts (restart-threads.ts): builds the fast executor for the
 * program and data it was started with, then claims restart indices from the shared counter and
 * runs each (`runRestart`, the driver's own run on that restart's stream), posting every run's
 * end before counting it as posted. Any error is posted too; the thread then stops claiming.
 */
import { workerData } from 'node:worker_threads';
import { runRestart } from '../em/em-driver.js';
import { releaseArena } from '../parallel/run-blocks.js';
import { prepareFast } from './fast-mixture.js';
import { fastHooks } from './fit-fast.js';
import { RESTART_NEXT, RESTART_POSTED, type RestartMessage, type RestartWorkerStart } from './restart-threads.js';
import { specialiseMixture } from './specialise.js';

const { program, data, options, control, port } = workerData as RestartWorkerStart;
const ctl = new Int32Array(control);
const restarts = Math.max(1, options.restarts ?? 1);

function post(message: RestartMessage<unknown, unknown>): void {
  port.postMessage(message);
  Atomics.add(ctl, RESTART_POSTED, 1);
  Atomics.notify(ctl, RESTART_POSTED);
}

try {
  const spec = specialiseMixture(program, data, options);
  if (!spec) throw new Error('the program is not one the fast executor takes');
  const fm = prepareFast(spec, 1);
  try {
    const hooks = fastHooks(fm, data, options);
    for (let r = Atomics.add(ctl, RESTART_NEXT, 1); r < restarts; r = Atomics.add(ctl, RESTART_NEXT, 1)) {
      post({ end: runRestart(hooks, options, r) });
    }
  } finally {
    releaseArena(fm.arena);
  }
} catch (error) {
  post({ error: error instanceof Error ? error.message : String(error) });
}
port.close();
