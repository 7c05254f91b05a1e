/**
 * Shared by the HMM tests: the reference fixtures of test/peers/hmm (written by make_hmm.py,
 * which documents them), and the chain program of a model bound to data.
 */
import { readFileSync } from 'node:fs';
import type { BoundData, ChainProgram, ParamValue } from '@emforge/runtime';
import { prepareAny, root } from './fit-helpers.js';

export type Params = Record<string, ParamValue>;

export interface HmmFixture {
  readonly model: string;
  readonly data: { readonly y: readonly (readonly unknown[])[] };
  readonly states: readonly (readonly number[])[];
  readonly truth: Params;
  readonly loglik_truth: number;
  readonly initial: Params;
  readonly loglik_initial: number;
  readonly baum_welch: { readonly iterations: number; readonly params: Params; readonly loglik: readonly number[] };
}

export const hmmFixtureNames = ['categorical', 'gaussian', 'mvnormal', 'mixture', 'poisson', 'missing'] as const;

export function readHmmFixture(name: (typeof hmmFixtureNames)[number]): HmmFixture {
  return JSON.parse(readFileSync(new URL(`test/peers/hmm/${name}.json`, root), 'utf8')) as HmmFixture;
}

/** The model lowered (it must lower to a chain program) and the data bound. */
export function prepareChainModel(model: string, raw: unknown): { program: ChainProgram; data: BoundData } {
  const { program, data } = prepareAny(model, raw);
  if (program.kind !== 'chain') throw new Error(`expected a chain program, got ${program.kind ?? 'mixture'}`);
  return { program, data };
}
