/**
 * A pool worker (pool.ts starts it): sleeps in `Atomics.wait` on the generation word until a
 * block job opens, then claims blocks with `Atomics.add` and runs them into their own stats
 * slots, exactly as the calling thread does (control.ts describes the protocol). It never
 * reduces: the caller sums the slots in block order. Runs until the pool sets STOP or
 * terminates it.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type Arena, BLOCK_ROWS, views } from '../fast/block-kernel.js';
import {
  ACTIVE,
  type BindMessage,
  BLOCKS_RUN,
  DONE,
  EPOCH,
  ERROR,
  type ErrorMessage,
  GEN,
  J_BLOCK_ROWS,
  J_BLOCKS,
  J_DESC,
  J_KERNEL,
  J_N,
  J_SCRATCH,
  J_SCRATCH_SIZE,
  J_SLOTS,
  J_STAT_SIZE,
  J_THREADS,
  LINE,
  NEXT,
  READY,
  STOP,
  type WorkerStart,
} from './control.js';
import { kernelNames, kernelTable } from './kernel-registry.js';

const { control, index, port } = workerData as WorkerStart;
const ctl = new Int32Array(control);
const kernels = kernelNames().map((name) => kernelTable()[name]!);

let arena: Arena | undefined;
let epoch = 0;

/** Reads binding messages until the one of the current epoch; false if it is not there. */
function bind(): boolean {
  const want = Atomics.load(ctl, EPOCH);
  while (epoch !== want) {
    const received = receiveMessageOnPort(port);
    if (!received) return false;
    const message = received.message as BindMessage;
    epoch = message.epoch;
    arena = message.memory ? views(message.memory) : undefined;
  }
  return true;
}

function leave(): void {
  if (Atomics.sub(ctl, ACTIVE, 1) === 1) Atomics.notify(ctl, ACTIVE);
}

function fail(error: unknown, block: number): void {
  if (Atomics.compareExchange(ctl, ERROR, 0, index + 1) !== 0) return;
  const e = error instanceof Error ? error : new Error(String(error));
  const message: ErrorMessage = { message: `${e.name}: ${e.message}`, block, ...(e.stack ? { stack: e.stack } : {}) };
  port.postMessage(message);
}

function runJob(): void {
  const nBlocks = ctl[J_BLOCKS]!;
  const kernel = kernels[ctl[J_KERNEL]!];
  const desc = ctl[J_DESC]!;
  const n = ctl[J_N]!;
  const rows = ctl[J_BLOCK_ROWS]! || BLOCK_ROWS;
  const slots = ctl[J_SLOTS]!;
  const statSize = ctl[J_STAT_SIZE]!;
  const scratch = ctl[J_SCRATCH]! + index * ctl[J_SCRATCH_SIZE]!;
  for (;;) {
    const b = Atomics.add(ctl, NEXT, 1);
    if (b >= nBlocks) break;
    if (Atomics.load(ctl, ERROR) === 0) {
      try {
        if (!arena || !kernel) throw new Error(arena ? 'unknown kernel index' : 'worker has no arena memory');
        const slot = slots + b * statSize;
        arena.f64.fill(0, slot, slot + statSize);
        const i0 = b * rows;
        kernel(arena, desc, i0, Math.min(n, i0 + rows), slot, scratch);
        ctl[BLOCKS_RUN + LINE * index]!++;
      } catch (error) {
        fail(error, b);
      }
    }
    if (Atomics.add(ctl, DONE, 1) === nBlocks - 1) Atomics.notify(ctl, DONE);
  }
}

Atomics.add(ctl, READY, 1);
let seen = -1;
for (;;) {
  Atomics.wait(ctl, GEN, seen);
  const g = Atomics.load(ctl, GEN);
  seen = g;
  if (Atomics.load(ctl, STOP) !== 0) break;
  const bound = bind();
  if ((g & 1) === 0) continue;
  Atomics.add(ctl, ACTIVE, 1);
  if (Atomics.load(ctl, GEN) !== g || index >= ctl[J_THREADS]!) {
    leave();
    continue;
  }
  if (!bound) fail(new Error('worker missed its arena binding'), -1);
  runJob();
  leave();
}
port.close();
