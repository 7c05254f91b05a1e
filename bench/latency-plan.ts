/**
 * Benchmark (not part of the test suite): warm latency of parse + check + plan (`planSource`)
 * for every model of the language reference (the fenced blocks that hold a `model` in
 * docs/language.md, and /work/shared/LANGUAGE.md when present) and every example model.
 * Each model is planned 10 times to warm up, then timed `--repeats` times (default 30); prints
 * one JSON line: per model the median and the maximum milliseconds, and the plan's strategy.
 *
 *   pnpm exec tsx bench/latency-plan.ts [--repeats 30]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
// The pipeline module directly, not the compiler's index (which also loads the code generator).
import { planSource } from '../packages/compiler/dist/pipeline.js';
import { SourceFile } from '../packages/dsl/dist/index.js';

const root = new URL('../', import.meta.url);
const repeatsAt = process.argv.indexOf('--repeats');
const repeats = repeatsAt > 0 ? Number(process.argv[repeatsAt + 1]) : 30;

/** Fenced code blocks that contain a `model NAME {` declaration. */
function fencedModels(path: string, tag: string): { name: string; text: string }[] {
  if (!existsSync(path)) return [];
  const blocks = readFileSync(path, 'utf8').split(/^```[a-z]*\s*$/m);
  const out: { name: string; text: string }[] = [];
  for (let i = 1; i < blocks.length; i += 2) {
    const m = /^model\s+(\w+)\s*\{/m.exec(blocks[i]!);
    if (m) out.push({ name: `${tag}:${m[1]}`, text: blocks[i]! });
  }
  return out;
}

const models = [
  ...fencedModels(new URL('docs/language.md', root).pathname, 'docs/language.md'),
  ...fencedModels('/work/shared/LANGUAGE.md', 'LANGUAGE.md'),
  ...readdirSync(new URL('examples/', root))
    .filter((d) => existsSync(new URL(`examples/${d}/model.em`, root)))
    .sort()
    .map((d) => ({ name: `examples/${d}`, text: readFileSync(new URL(`examples/${d}/model.em`, root), 'utf8') })),
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const rows = models.map(({ name, text }) => {
  const plan = () => planSource(new SourceFile(`${name}.em`, text));
  let outcome = plan();
  for (let i = 0; i < 9; i++) outcome = plan();
  const ms: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    plan();
    ms.push(performance.now() - t0);
  }
  const errors = outcome.diagnostics.filter((d) => d.severity === 'error').length;
  return { model: name, median_ms: median(ms), max_ms: Math.max(...ms), planned: outcome.plan !== undefined, errors };
});
process.stdout.write(`${JSON.stringify({ section: 'latency-plan', repeats, models: rows })}\n`);
