/**
 * A watchdog for synchronous code under test. A hang in a parser is a synchronous loop, which
 * no timer on the same thread can interrupt; this watchdog runs in a worker thread, and when
 * one case runs longer than the limit it prints that case and kills the test process, so the
 * suite fails instead of hanging.
 */
import { Worker } from 'node:worker_threads';

export interface Watchdog {
  /** Runs `fn` on `input` under the watchdog (the input is what gets printed on a hang). */
  guard<T>(input: string, fn: () => T): T;
  stop(): Promise<void>;
}

const workerSource = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const state = new Int32Array(workerData.shared);
const decoder = new TextDecoder();
let seen = 0, since = Date.now();
setInterval(() => {
  const current = Atomics.load(state, 0);
  if (current !== seen || Atomics.load(state, 1) === 0) { seen = current; since = Date.now(); return; }
  if (Date.now() - since < workerData.limitMs) return;
  const length = Atomics.load(state, 2);
  const input = decoder.decode(new Uint8Array(workerData.text).slice(0, length));
  writeSync(2, '\\nwatchdog: one case ran over ' + workerData.limitMs + ' ms; its input was:\\n' + JSON.stringify(input) + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, 200);
`;

export function startWatchdog(limitMs: number): Watchdog {
  const shared = new SharedArrayBuffer(12);
  const text = new SharedArrayBuffer(1 << 20);
  const state = new Int32Array(shared);
  const bytes = new Uint8Array(text);
  const encoder = new TextEncoder();
  const worker = new Worker(workerSource, { eval: true, workerData: { shared, text, limitMs } });
  worker.unref();
  return {
    guard(input, fn) {
      const written = encoder.encodeInto(input, bytes).written;
      Atomics.store(state, 2, written);
      Atomics.add(state, 0, 1);
      Atomics.store(state, 1, 1);
      try {
        return fn();
      } finally {
        Atomics.store(state, 1, 0);
      }
    },
    async stop() {
      await worker.terminate();
    },
  };
}
