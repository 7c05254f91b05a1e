/**
 * Checkpoints of the EM driver, in process: a fit stopped at any saved state (by a hook that
 * throws, as a killed process would stop) and resumed from the JSON of that state ends at the
 * same bits as the fit never stopped — the result, the history, the warnings and the
 * posteriors — for plain EM, SQUAREM (whose step bound is part of the state), classification
 * EM and stochastic EM (whose E-step draws from the stream); and for every example the runtime
 * runs, whatever its executor (the hooks' contract: nothing kept between iterations but what an
 * E-step at the params rebuilds). Saving changes nothing; a state resumed with other settings
 * is refused.
 */
import { existsSync, readdirSync } from 'node:fs';
import { CheckpointError, type EmFitOptions, type EmSavedState, fitAnyProgram, type Program } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { prepareAny, readExample, root } from './fit-helpers.js';

const faithful = readExample('old-faithful-gmm');

/** A saved state as it comes back from a file. */
const throughFile = (s: EmSavedState): EmSavedState => JSON.parse(JSON.stringify(s));

class Stop extends Error {}

function check(options: EmFitOptions, every: number, sizes: Record<string, number> = {}) {
  const { program, data } = prepareAny(faithful.model, faithful.data, sizes);
  const plain = fitAnyProgram(program, data, options);
  const saved: EmSavedState[] = [];
  const withSaving = fitAnyProgram(program, data, {
    ...options,
    checkpoint: { every, save: (s) => saved.push(throughFile(s)) },
  });
  expect(withSaving).toEqual(plain);
  expect(saved.length).toBeGreaterThan(2);
  // Resume from the first state, one in the middle, the last, and one at a run boundary.
  const boundary = saved.findIndex((s) => s.iteration === 0);
  const picks = [...new Set([0, saved.length >> 1, saved.length - 1, boundary].filter((i) => i >= 0))];
  for (const i of picks) {
    // Stop a fresh fit right after it saved state i (the saving hook throws, like a kill), then resume.
    let last: EmSavedState | undefined;
    let count = 0;
    const stopping = {
      ...options,
      checkpoint: {
        every,
        save: (s: EmSavedState) => {
          last = throughFile(s);
          if (count++ === i) throw new Stop();
        },
      },
    };
    expect(() => fitAnyProgram(program, data, stopping)).toThrow(Stop);
    expect(last).toEqual(saved[i]);
    const again = prepareAny(faithful.model, faithful.data, sizes);
    const resumed = fitAnyProgram(again.program, again.data, { ...options, resume: last });
    expect(resumed).toEqual(plain);
    expect(Object.is(resumed.result.logLik, plain.result.logLik)).toBe(true);
  }
  return { plain, saved };
}

describe('a resumed fit ends where the uninterrupted one does', () => {
  it('plain EM, three restarts', () => {
    const { saved } = check({ seed: 7, restarts: 3, maxIter: 200, tol: 1e-12 }, 7);
    expect(new Set(saved.map((s) => s.restart))).toEqual(new Set([0, 1, 2]));
  });

  it('SQUAREM (its step bound is saved)', () => {
    check({ seed: 3, restarts: 2, maxIter: 60, tol: 0, accelerate: 'squarem' }, 5);
  });

  it('classification EM', () => {
    check({ seed: 5, restarts: 2, maxIter: 40, tol: 0, variant: 'hard' }, 4);
  });

  it('stochastic EM (the E-step draws from the stream)', () => {
    check({ seed: 11, restarts: 2, maxIter: 30, variant: 'stochastic' }, 4);
  });

  it('a fit with degenerate components (warnings given once per run survive the resume)', () => {
    const { plain } = check({ seed: 2, restarts: 1, maxIter: 60, tol: 0 }, 9, { K: 20 });
    expect(plain.result.warnings.length).toBeGreaterThan(0);
  });
});

/** The examples with a data.json that the runtime can run now. */
function runnableExamples(): { name: string; program: Program; data: ReturnType<typeof prepareAny>['data'] }[] {
  const out = [];
  for (const name of readdirSync(new URL('examples/', root)).sort()) {
    if (!existsSync(new URL(`examples/${name}/data.json`, root))) continue;
    const ex = readExample(name);
    try {
      out.push({ name, ...prepareAny(ex.model, ex.data) });
    } catch {
      // not lowered by the runtime yet: test/fit/examples.test.ts says which
    }
  }
  return out;
}

describe('every runnable example resumes to the same bits', () => {
  it.each(runnableExamples().map((e) => [e.name, e] as const))('%s', (_name, { program, data }) => {
    const options = { seed: 3, restarts: 2, maxIter: 30, tol: 0 };
    const plain = fitAnyProgram(program, data, options);
    let state: EmSavedState | undefined;
    let count = 0;
    const stop = (s: EmSavedState) => {
      state = throughFile(s);
      if (++count === 6) throw new Stop(); // 4 saves in the first run, one before the second, then its iteration 7
    };
    expect(() => fitAnyProgram(program, data, { ...options, checkpoint: { every: 7, save: stop } })).toThrow(Stop);
    expect(state).toMatchObject({ restart: 1, iteration: 7 });
    expect(fitAnyProgram(program, data, { ...options, resume: state })).toEqual(plain);
  });
});

describe('resuming is refused', () => {
  it('with other settings', () => {
    const { program, data } = prepareAny(faithful.model, faithful.data);
    let state: EmSavedState | undefined;
    const options = { seed: 1, restarts: 2, maxIter: 30, tol: 0 };
    fitAnyProgram(program, data, {
      ...options,
      checkpoint: {
        every: 10,
        save: (s) => {
          state ??= throughFile(s);
        },
      },
    });
    expect(() => fitAnyProgram(program, data, { ...options, seed: 2, resume: state })).toThrow(
      /made with seed = 1, not 2/,
    );
    expect(() => fitAnyProgram(program, data, { ...options, maxIter: 31, resume: state })).toThrow(CheckpointError);
  });

  it('with params the E-step does not reproduce (other data)', () => {
    const { program, data } = prepareAny(faithful.model, faithful.data);
    let state: EmSavedState | undefined;
    const options = { seed: 1, restarts: 1, maxIter: 30, tol: 0 };
    fitAnyProgram(program, data, { ...options, checkpoint: { every: 10, save: (s) => (state ??= throughFile(s)) } });
    const x = (faithful.data as { x: number[][] }).x.map(([a, b]) => [a! + 0.01, b!]);
    const other = prepareAny(faithful.model, { x });
    expect(() => fitAnyProgram(other.program, other.data, { ...options, resume: state })).toThrow(/cannot be resumed/);
  });
});
