/**
 * node:worker_threads, loaded on first use: loading it takes a few milliseconds of a command's
 * start, and most commands (a check, a fit small enough for one thread) never start a thread.
 */
import { createRequire } from 'node:module';

type WorkerThreads = typeof import('node:worker_threads');

let loaded: WorkerThreads | undefined;

export function workerThreads(): WorkerThreads {
  loaded ??= createRequire(import.meta.url)('node:worker_threads') as WorkerThreads;
  return loaded;
}
