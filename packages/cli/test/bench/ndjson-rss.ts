/**
 * Measurement (not a test) of loading a large NDJSON data file: peak resident memory and time
 * of `loadData` on a generated file of 2,000,000 two-dimensional rows (`{"x": [a, b]}`), bound
 * to a Gaussian mixture's schema. Each measurement runs in a fresh child process so its peak
 * RSS is the load's own. `--mode text` reads the whole file into a SourceFile first (what the
 * CLI did before NDJSON was streamed); `--mode stream` (the default) opens it as `emforge fit`
 * does now. Run: pnpm exec tsx packages/cli/test/bench/ndjson-rss.ts [--mode text|stream] [--lines N]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SourceFile } from '@emforge/dsl';
import type { DataSchema } from '@emforge/runtime';
import { loadData } from '../../src/data/load-data.js';

const schema: DataSchema = {
  model: 'gmm',
  sizes: [{ name: 'N' }, { name: 'D' }, { name: 'K' }],
  data: [{ name: 'x', dims: ['N'], element: 'real', shape: ['D'], optional: false, typeText: 'x[N]: real[D]' }],
};

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
};
const lines = Number(arg('--lines', '2000000'));
const mode = arg('--mode', 'stream');
const path = arg('--file', `/tmp/emforge-ndjson-${lines}.ndjson`);

/** A reproducible file: a linear congruential stream of two-decimal values. */
function generate(): void {
  const parts: string[] = [];
  let state = 12345;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state % 100000) / 100;
  };
  for (let i = 0; i < lines; i++) parts.push(`{"x": [${next()}, ${next()}]}\n`);
  writeFileSync(path, parts.join(''));
}

async function measure(): Promise<void> {
  const before = process.resourceUsage().maxRSS;
  const start = performance.now();
  let file: SourceFile;
  if (mode === 'text') file = new SourceFile(path, readFileSync(path, 'utf8'));
  else {
    const { openDataSource } = await import('../../src/data/data-source.js');
    const opened = openDataSource(path);
    if ('diagnostic' in opened) throw new Error(opened.diagnostic.message);
    file = opened.source;
  }
  const bound = loadData(file, schema, { K: 2 });
  const seconds = (performance.now() - start) / 1000;
  if (!bound.value) throw new Error(JSON.stringify(bound.diagnostics.slice(0, 2)));
  const x = bound.value.variables.x!;
  let sum = 0;
  for (const v of x.values) sum += v;
  const peak = process.resourceUsage().maxRSS;
  console.log(
    JSON.stringify({ mode, lines, rows: x.shape[0], sum, startMiB: before / 1024, peakMiB: peak / 1024, seconds }),
  );
}

if (process.argv.includes('--child')) await measure();
else {
  if (!existsSync(path)) generate();
  console.log(`${path}: ${(statSync(path).size / 2 ** 20).toFixed(1)} MiB, ${lines} lines`);
  const self = fileURLToPath(import.meta.url);
  for (let r = 0; r < Number(arg('--repeats', '1')); r++) {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', self, '--child', '--mode', mode, '--lines', String(lines), '--file', path],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    process.stdout.write(out);
  }
}
