/**
 * A corpus drawn from LDA's own generative process with known topics, with the runtime's seeded
 * stream: K topics over V words, each β_k ~ Dirichlet(0.05) (peaked: a few words carry most of
 * a topic's mass), per document θ_d ~ Dirichlet(alpha), a length uniform on minLength …
 * maxLength, and per word z ~ Categorical(θ_d), w ~ Categorical(β_z). Used by simulate.ts
 * (the example's data) and by test/fit/lda-*.test.ts.
 */
import { makeStreams, sampleCategorical, sampleDirichlet } from '@emforge/runtime';

export interface CorpusSpec {
  readonly K: number;
  readonly V: number;
  readonly docs: number;
  readonly minLength: number;
  readonly maxLength: number;
  readonly alpha: number;
  readonly seed: number;
}

export interface Corpus {
  /** The words of each document, 0 … V−1. */
  readonly w: number[][];
  /** The true topic–word distributions, shape [K][V]. */
  readonly topics: number[][];
}

export function simulateCorpus(spec: CorpusSpec): Corpus {
  const rng = makeStreams(spec.seed, 1)[0]!;
  const topics: number[][] = [];
  const row = new Float64Array(spec.V);
  for (let k = 0; k < spec.K; k++) {
    sampleDirichlet(rng, 0.05, row);
    topics.push(Array.from(row));
  }
  const theta = new Float64Array(spec.K);
  const flat = Float64Array.from(topics.flat());
  const w: number[][] = [];
  for (let d = 0; d < spec.docs; d++) {
    sampleDirichlet(rng, spec.alpha, theta);
    const length = spec.minLength + rng.uniformInt(spec.maxLength - spec.minLength + 1);
    const doc: number[] = [];
    for (let i = 0; i < length; i++) {
      const z = sampleCategorical(rng, theta);
      doc.push(sampleCategorical(rng, flat, spec.V, z * spec.V));
    }
    w.push(doc);
  }
  return { w, topics };
}
