/**
 * Writes `data.json` and `truth.json` of the LDA example: 120 documents of 30–80 words over
 * V = 30 words from K = 3 peaked topics (corpus.ts, the runtime's seeded stream). Reruns write
 * identical files.
 *
 *     pnpm exec tsx examples/lda/simulate.ts
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulateCorpus } from './corpus.js';

const here = dirname(fileURLToPath(import.meta.url));
const spec = { K: 3, V: 30, docs: 120, minLength: 30, maxLength: 80, alpha: 0.5, seed: 2025 };
const corpus = simulateCorpus(spec);
const round = (x: number) => Math.round(x * 1e6) / 1e6;
writeFileSync(
  join(here, 'data.json'),
  `${JSON.stringify({ K: spec.K, V: spec.V, alpha: new Array<number>(spec.K).fill(spec.alpha), w: corpus.w })}\n`,
);
writeFileSync(join(here, 'truth.json'), `${JSON.stringify({ topics: corpus.topics.map((t) => t.map(round)) })}\n`);
