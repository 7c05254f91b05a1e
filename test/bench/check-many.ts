/**
 * Benchmark (not a test): `emforge check` over 600 model files in one process must take under
 * 5 s. Generates 600 variants of the examples and the LANGUAGE.md models (declared names
 * renamed per file; every tenth file broken on purpose, a few with an unused param), then runs
 * the BUILT command — `node packages/cli/bin/emforge.js check <600 files>`, process start
 * included — five times and reports the median; then times parse + check per file in-process.
 *
 *     pnpm bench:check               (builds first; exit 1 when the target is missed)
 *     pnpm bench:check --no-build    (measures dist/ as it is)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'packages/cli/bin/emforge.js');
const fileCount = 600;
const runs = 5;
const targetSeconds = 5;

// ---------------------------------------------------------------- the corpus

function seedModels(): { name: string; text: string }[] {
  const seeds: { name: string; text: string }[] = [];
  const examples = join(root, 'examples');
  for (const entry of readdirSync(examples, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    try {
      seeds.push({ name: entry.name, text: readFileSync(join(examples, entry.name, 'model.em'), 'utf8') });
    } catch {
      // an example without a model.em is not a seed
    }
  }
  const language = join(root, 'test/language/models');
  for (const file of readdirSync(language)) {
    if (file.endsWith('.em')) seeds.push({ name: file.slice(0, -3), text: readFileSync(join(language, file), 'utf8') });
  }
  if (seeds.length === 0) throw new Error('no seed models in examples/ or test/language/models/');
  return seeds.sort((a, b) => a.name.localeCompare(b.name));
}

/** Every name the model declares: the model, sizes, variables, lets and plate indices. */
function declaredNames(text: string): Set<string> {
  const names = new Set<string>();
  const code = text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
  for (const m of code.matchAll(/\b(?:model|data|param|latent|let)\s+([A-Za-z_]\w*)/g)) names.add(m[1]!);
  for (const m of code.matchAll(/\bfor\s+([A-Za-z_]\w*)\s+in\b/g)) names.add(m[1]!);
  for (const m of code.matchAll(/\bsize\s+([^\n]*)/g)) {
    for (const item of m[1]!.split(',')) {
      const name = /^\s*([A-Za-z_]\w*)/.exec(item)?.[1];
      if (name) names.add(name);
    }
  }
  return names;
}

/** Renames every declared name (outside comments) by appending a per-file suffix. */
function renameDeclared(text: string, suffix: string): string {
  const names = declaredNames(text);
  return text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|\b[A-Za-z_]\w*\b/g, (token) =>
    names.has(token) ? `${token}${suffix}` : token,
  );
}

/** Deliberate mistakes, one per broken file, in rotation. */
const breakers: readonly ((text: string) => string)[] = [
  // a misspelled distribution
  (t) => t.replace(/~\s*([A-Z][A-Za-z]*)\(/, (_m, d: string) => `~ ${d}x(`),
  // a syntax error: the model's closing brace is gone
  (t) => t.slice(0, t.lastIndexOf('}')),
  // an undeclared name: the first param declaration is removed
  (t) => t.replace(/^\s*param\s[^\n]*\n/m, ''),
  // a missing parenthesis at the end of a distribution statement
  (t) => t.replace(/^(?!\s*\/\/)([^\n]*~[^\n]*?)\)([ \t]*(?:\/\/[^\n]*)?)$/m, '$1$2'),
];

function writeCorpus(dir: string): { files: string[]; broken: number; warned: number } {
  const seeds = seedModels();
  const files: string[] = [];
  let broken = 0;
  let warned = 0;
  for (let i = 0; i < fileCount; i++) {
    const seed = seeds[i % seeds.length]!;
    let text = renameDeclared(seed.text, `_${i}`);
    if (i % 10 === 9) {
      text = breakers[Math.floor(i / 10) % breakers.length]!(text);
      broken++;
    } else if (i % 25 === 3) {
      text = text.replace(/\n}\s*$/, `\n  param  unused_${i}: positive\n}\n`);
      warned++;
    }
    const sub = join(dir, String(Math.floor(i / 100)));
    mkdirSync(sub, { recursive: true });
    const file = join(sub, `${seed.name}-${i}.em`);
    writeFileSync(file, text);
    files.push(file);
  }
  return { files, broken, warned };
}

// ---------------------------------------------------------------- timing

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

function timeCommand(args: readonly string[]): { seconds: number; status: number | null; stdout: string } {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.error) throw r.error;
  return { seconds, status: r.status, stdout: r.stdout };
}

/** Builds the workspace (incrementally), so the benchmark measures the current sources. */
function build(): boolean {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-b', 'packages/cli'], { cwd: root, stdio: 'inherit' });
    return true;
  } catch {
    console.error('the build failed (see above); fix it, or measure dist/ as it is with --no-build');
    return false;
  }
}

async function inProcess(files: readonly string[]): Promise<void> {
  // The built packages, as the CLI uses them.
  const { checkSource } = await import('@emforge/compiler');
  const { SourceFile } = await import('@emforge/dsl');
  const texts = files.map((f) => new SourceFile(f, readFileSync(f, 'utf8')));
  const first = performance.now();
  checkSource(texts[0]!);
  const coldMs = performance.now() - first;
  const times: number[] = [];
  const started = performance.now();
  for (const source of texts) {
    const t0 = performance.now();
    checkSource(source);
    times.push(performance.now() - t0);
  }
  const totalMs = performance.now() - started;
  const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
  console.log(`\nin-process parse + check per file (${texts.length} files, after one warm-up file):`);
  console.log(`  first file (cold, includes parser set-up) ${fmt(coldMs)}`);
  console.log(
    `  median ${fmt(median(times))}  mean ${fmt(totalMs / times.length)}  p95 ${fmt(percentile(times, 95))}  max ${fmt(Math.max(...times))}`,
  );
  console.log(`  all ${texts.length} files ${fmt(totalMs)}`);
}

async function run(): Promise<number> {
  if (!process.argv.includes('--no-build') && !build()) return 1;
  const dir = mkdtempSync(join(tmpdir(), 'emforge-bench-'));
  try {
    const { files, broken, warned } = writeCorpus(dir);
    console.log(
      `generated ${files.length} model files in ${dir} (${broken} broken on purpose, ${warned} with an unused param)`,
    );
    const baseline = median(Array.from({ length: runs }, () => timeCommand(['--version']).seconds));
    console.log(`node + emforge start-up (emforge --version): median ${baseline.toFixed(3)} s`);

    const args = ['check', ...files];
    const first = timeCommand(args);
    const summary = first.stdout.trimEnd().split('\n').at(-1) ?? '';
    console.log(`exit code ${first.status}; ${summary}`);
    if (first.status !== 1 || !summary.startsWith(`checked ${files.length} files`)) {
      console.error('unexpected result: expected exit 1 (some files are broken) and a summary of every file');
      return 1;
    }
    if (!summary.startsWith(`checked ${files.length} files: ${broken} with errors`)) {
      console.warn(`note: ${broken} files were broken on purpose, but the summary counts a different number`);
    }
    const times = Array.from({ length: runs }, () => timeCommand(args).seconds);
    const m = median(times);
    console.log(`\nemforge check <${files.length} files> (one process, wall clock, ${runs} runs after one warm-up):`);
    console.log(`  runs   ${times.map((t) => `${t.toFixed(3)} s`).join('  ')}`);
    console.log(`  median ${m.toFixed(3)} s   (${((m * 1000) / files.length).toFixed(2)} ms per file)`);
    const pass = m < targetSeconds;
    console.log(`  target < ${targetSeconds} s: ${pass ? 'PASS' : 'FAIL'}`);

    await inProcess(files);
    return pass ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await run();
