/**
 * The fast chain E-step on the worker pool: a fit with 2 threads gives the same bits as with 1
 * (blocks are fixed runs of whole sequences, and their statistics are summed in block order), for
 * a Gaussian HMM large enough that the pass goes to the pool (n·K·(K + D) ≥ PARALLEL_MIN_WORK,
 * several blocks).
 */
import { fitChain } from '@emforge/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { closeWorkerPool, currentWorkerPool } from '../../packages/runtime/src/parallel/pool.js';
import { PARALLEL_MIN_WORK } from '../../packages/runtime/src/parallel/threads.js';
import { bind, gaussianData, gaussianHmm } from './fast-chain-helpers.js';

afterAll(async () => {
  await closeWorkerPool();
});

describe('fast chain path on 1 and 2 threads', () => {
  it('gives the same bits', () => {
    const K = 4;
    const D = 3;
    const { program, data } = bind(gaussianHmm(D, K), gaussianData(31, D, K, 24, 1450, 1550));
    const n = data.variables.y!.values.length / D;
    expect(n * K * (K + D)).toBeGreaterThanOrEqual(PARALLEL_MIN_WORK);
    const options = { seed: 2, maxIter: 4, tol: 0 };
    const one = fitChain(program, data, { ...options, threads: 1 });
    const two = fitChain(program, data, { ...options, threads: 2 });
    expect(currentWorkerPool()).toBeDefined();
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
  });
});
