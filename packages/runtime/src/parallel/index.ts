/** The parallel E-step: the block runner, the process-wide worker pool, thread-count choices. */
export { closeWorkerPool, currentWorkerPool, WorkerPool, workerPool } from './pool.js';
export { releaseArena, runBlocks } from './run-blocks.js';
export { defaultThreads, PARALLEL_MIN_WORK, passThreads, threadsProblem } from './threads.js';
