/**
 * Benchmark runner (not part of the test suite): emforge's side of one peer workload. Loads a
 * data set written by peers/gen_data.py (NAME.f64 raw float64 row-major, NAME.json its header,
 * NAME.init.json the initial parameters every peer starts from), converts that shared start into
 * the params of the workload's model (bench/models/*.em), binds the data as flat Float64Arrays,
 * fits with restarts 1, tol 0 (exactly `--iters` EM iterations, the peers' EM path) and
 * regCovar 1e-6, and prints one JSON line shaped like the peers' (peer "emforge", model, n, d,
 * k, iters, seconds_total, seconds_per_iter, seconds_per_iter_marginal, final_loglik, threads,
 * peak_rss_bytes, …). Timing covers the fit call only (no data load, no planning).
 *
 *   pnpm exec tsx bench/run-emforge.ts gmm_full bench/data/gmm_d10_k8_n100000.f64 --iters 10 --repeats 3 --threads 1
 *
 * Workloads: gmm_full, gmm_diag, poisson, hmm_gauss, hmm_disc. Each (workload, threads) should
 * run in its own process (bench/run.ts does), so peak RSS is the workload's own.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
// The compiler's modules directly, not its index: the index also loads the code generator
// (ts-morph and the TypeScript compiler), ~100 MB of RSS a fit does not need.
import { lowerDataSchema } from '../packages/compiler/dist/lower/data-schema.js';
import { lowerProgram } from '../packages/compiler/dist/lower/lower-program.js';
import { planSource } from '../packages/compiler/dist/pipeline.js';
import { SourceFile } from '../packages/dsl/dist/index.js';
import {
  type BoundData,
  type BoundVariable,
  bindData,
  type DataSchema,
  type EmFitOptions,
  fitAnyProgram,
  type ParamValue,
  type Program,
  sharedRows,
} from '../packages/runtime/dist/index.js';

type Workload = 'gmm_full' | 'gmm_diag' | 'poisson' | 'hmm_gauss' | 'hmm_disc';

const MODEL_FILE: Record<Workload, string> = {
  gmm_full: 'gmm-full.em',
  gmm_diag: 'gmm-diag.em',
  poisson: 'poisson-mixture.em',
  hmm_gauss: 'hmm-gauss.em',
  hmm_disc: 'hmm-disc.em',
};

/** The peers' model names, so rows of one workload line up in the report. */
const PEER_MODEL: Record<Workload, string> = {
  gmm_full: 'gmm_full',
  gmm_diag: 'gmm_diag',
  poisson: 'poisson_mixture',
  hmm_gauss: 'hmm_gauss',
  hmm_disc: 'hmm_disc',
};

interface Header {
  readonly name: string;
  readonly shape: readonly number[];
}
type Init = Record<string, unknown>;

const rssBaseline = process.memoryUsage().rss;
const load1 = loadavg()[0] ?? 0;

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: tsx bench/run-emforge.ts WORKLOAD DATA.f64 [--iters N] [--repeats R] [--threads T]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: readonly string[]) {
  const [workload, data, ...rest] = argv;
  if (!workload || !(workload in MODEL_FILE)) usage(`unknown workload '${workload ?? ''}'`);
  if (!data) usage('no data file');
  const flags: Record<string, number> = { iters: 10, repeats: 3, threads: 1 };
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i]?.replace(/^--/, '') ?? '';
    const value = Number(rest[i + 1]);
    if (!(key in flags) || !Number.isInteger(value) || value < 1) usage(`bad option ${rest[i]} ${rest[i + 1]}`);
    flags[key] = value;
  }
  return {
    workload: workload as Workload,
    base: data.replace(/\.(f64|json)$/, ''),
    iters: flags.iters!,
    repeats: flags.repeats!,
    threads: flags.threads!,
  };
}

/** NAME.f64 as a Float64Array (a copy only when the buffer is not 8-byte aligned). */
/**
 * Reads a raw float64 file straight into rows at the start of a shared memory (`sharedRows`),
 * where the fast executor lays its arena out after them: the data is held once, never copied.
 */
function readF64(path: string): Float64Array {
  const bytes = statSync(path).size;
  const values = sharedRows(bytes / 8);
  const view = new Uint8Array(values.buffer, values.byteOffset, bytes);
  const fd = openSync(path, 'r');
  for (let at = 0; at < bytes; ) at += readSync(fd, view, at, Math.min(1 << 24, bytes - at), at);
  closeSync(fd);
  return values;
}

/** Sizes, ragged lengths and the one data variable's layout for a workload. */
interface Layout {
  readonly sizes: Record<string, number>;
  /** Steps per sequence, for the chain models (`size T[S]`). */
  readonly lengths?: readonly number[];
  /** Entries per item (D for a vector observation, 1 for a scalar). */
  readonly itemSize: number;
}

function layoutOf(workload: Workload, header: Header, init: Init): Layout {
  const k = (init.weights ?? init.startprob) as readonly number[];
  const K = k.length;
  const shape = header.shape;
  switch (workload) {
    case 'gmm_full':
    case 'gmm_diag':
      return { sizes: { N: shape[0]!, D: shape[1]!, K }, itemSize: shape[1]! };
    case 'poisson':
      return { sizes: { N: shape[0]!, K }, itemSize: 1 };
    case 'hmm_gauss':
      return {
        sizes: { S: shape[0]!, D: shape[2]!, K },
        lengths: Array.from({ length: shape[0]! }, () => shape[1]!),
        itemSize: shape[2]!,
      };
    case 'hmm_disc': {
      const M = (init.emissionprob as readonly (readonly number[])[])[0]!.length;
      return { sizes: { S: 1, K, M }, lengths: [shape[0]!], itemSize: 1 };
    }
  }
}

/**
 * Binds the workload's one data variable straight from the flat Float64Array (no nested JS
 * arrays, no second copy), in the layout `bindData` gives: row-major values, the resolved shape
 * (-1 on the ragged dim), `offsets` for a ragged variable. `checkAgainstBindData` confirms the
 * layout on a prefix against `bindData` itself.
 */
function bindFlat(schema: DataSchema, layout: Layout, values: Float64Array): BoundData {
  const v = schema.data[0];
  if (!v || schema.data.length !== 1) throw new Error(`expected one data variable in ${schema.model}`);
  const { sizes, lengths, itemSize } = layout;
  const elementShape = itemSize > 1 || v.shape.length > 0 ? [itemSize] : [];
  let variable: BoundVariable;
  if (lengths) {
    const offsets = new Int32Array(lengths.length + 1);
    for (let s = 0; s < lengths.length; s++) offsets[s + 1] = offsets[s]! + lengths[s]!;
    if (offsets[lengths.length]! * itemSize !== values.length) throw new Error('data length does not match its header');
    variable = { name: v.name, schema: v, shape: [lengths.length, -1, ...elementShape], values, offsets, itemSize };
  } else {
    const n = values.length / itemSize;
    variable = { name: v.name, schema: v, shape: [n, ...elementShape], values, itemSize };
  }
  return {
    sizes,
    raggedSizes: lengths ? { [v.dims[1] as string]: lengths } : {},
    variables: { [v.name]: variable },
  };
}

/** The nested JSON form of a prefix of the data (the first items, or a few short sequences). */
function nestedPrefix(layout: Layout, values: Float64Array): { value: unknown[]; sub: Layout } {
  const { itemSize } = layout;
  const item = (i: number) =>
    layout.itemSize > 1 ? Array.from(values.subarray(i * itemSize, (i + 1) * itemSize)) : values[i];
  if (layout.lengths) {
    const seqs = Math.min(3, layout.lengths.length);
    const steps = Math.min(20, ...layout.lengths);
    const ys: unknown[][] = [];
    let start = 0;
    for (let s = 0; s < seqs; s++) {
      ys.push(Array.from({ length: steps }, (_, t) => item(start + t)));
      start += layout.lengths[s]!;
    }
    return { value: ys, sub: { ...layout, sizes: { ...layout.sizes, S: seqs }, lengths: ys.map(() => steps) } };
  }
  const n = 50;
  return { value: Array.from({ length: n }, (_, i) => item(i)), sub: { ...layout, sizes: { ...layout.sizes, N: n } } };
}

/** Binds a prefix both ways and throws unless the layouts are identical. */
function checkAgainstBindData(schema: DataSchema, layout: Layout, values: Float64Array): void {
  const { value, sub } = nestedPrefix(layout, values);
  const name = schema.data[0]!.name;
  const reference = bindData(schema, { [name]: value }, sub.sizes);
  if (!reference.value) throw new Error(`bindData refused the prefix: ${JSON.stringify(reference.problems[0])}`);
  const refVar = reference.value.variables[name]!;
  const flatData = bindFlat(schema, sub, Float64Array.from(refVar.values));
  const flat = flatData.variables[name]!;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const problems = [
    same(refVar.shape, flat.shape) ? '' : `shape ${JSON.stringify(refVar.shape)} vs ${JSON.stringify(flat.shape)}`,
    refVar.itemSize === flat.itemSize ? '' : `itemSize ${refVar.itemSize} vs ${flat.itemSize}`,
    same(Array.from(refVar.offsets ?? []), Array.from(flat.offsets ?? [])) ? '' : 'offsets differ',
    same(reference.value.sizes, sub.sizes) ? '' : `sizes ${JSON.stringify(reference.value.sizes)}`,
    same(reference.value.raggedSizes, flatData.raggedSizes) ? '' : 'ragged sizes differ',
  ].filter((p) => p !== '');
  if (problems.length > 0) throw new Error(`flat binding differs from bindData: ${problems.join('; ')}`);
}

/** The shared initial parameters in the workload model's params. */
function initParams(workload: Workload, init: Init): Record<string, ParamValue> {
  const num = (x: unknown) => x as ParamValue;
  switch (workload) {
    case 'gmm_full':
      return { weights: num(init.weights), mu: num(init.means), Sigma: num(init.covariances_full) };
    case 'gmm_diag':
      return {
        weights: num(init.weights),
        mu: num(init.means),
        s: (init.covariances_diag as number[][]).map((row) => row.map(Math.sqrt)),
      };
    case 'poisson':
      return { w: num(init.weights), rate: num(init.rates) };
    case 'hmm_gauss':
      return {
        init: num(init.startprob),
        trans: num(init.transmat),
        mu: num(init.means),
        Sigma: num(init.covariances_full),
      };
    case 'hmm_disc':
      return { init: num(init.startprob), trans: num(init.transmat), emit: num(init.emissionprob) };
  }
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function main() {
  const args = parseArgs(process.argv.slice(2));
  const header = JSON.parse(readFileSync(`${args.base}.json`, 'utf8')) as Header;
  const init = JSON.parse(readFileSync(`${args.base}.init.json`, 'utf8')) as Init;
  const modelPath = new URL(`models/${MODEL_FILE[args.workload]}`, import.meta.url);
  const outcome = planSource(new SourceFile(MODEL_FILE[args.workload], readFileSync(modelPath, 'utf8')));
  const lowered = lowerProgram(outcome);
  if (!lowered.value || !outcome.checked) {
    throw new Error(`cannot lower ${MODEL_FILE[args.workload]}: ${JSON.stringify(lowered.diagnostics)}`);
  }
  const program: Program = lowered.value;
  const schema = lowerDataSchema(outcome.checked);

  const values = readF64(`${args.base}.f64`);
  const layout = layoutOf(args.workload, header, init);
  checkAgainstBindData(schema, layout, values);
  const data = bindFlat(schema, layout, values);
  const rssLoaded = process.memoryUsage().rss;

  // `threads` is passed through for the parallel E-step (EmFitOptions.threads where it exists).
  const options = (iters: number): EmFitOptions =>
    ({
      seed: 1,
      restarts: 1,
      maxIter: iters,
      tol: 0,
      regCovar: 1e-6,
      init: initParams(args.workload, init),
      threads: args.threads,
      posteriors: false,
    }) as EmFitOptions;

  /** One timed fit: total seconds and the median gap between iteration callbacks (the EM loop). */
  const fitOnce = (iters: number) => {
    const stamps: number[] = [];
    const start = performance.now();
    const fit = fitAnyProgram(program, data, { ...options(iters), onIteration: () => stamps.push(performance.now()) });
    const seconds = (performance.now() - start) / 1000;
    const gaps = stamps.slice(1).map((t, i) => (t - stamps[i]!) / 1000);
    return { fit, seconds, loopPerIter: gaps.length > 0 ? median(gaps) : Number.NaN };
  };
  const timed = (iters: number) => {
    const runs = Array.from({ length: args.repeats }, () => fitOnce(iters));
    return { runs, median: median(runs.map((r) => r.seconds)), last: runs[runs.length - 1]! };
  };

  const main = timed(args.iters);
  const result = main.last.fit.result;
  if (result.iterations !== args.iters) throw new Error(`ran ${result.iterations} iterations, asked ${args.iters}`);
  const base = args.iters > 1 ? timed(1) : undefined;
  const marginal = base ? (main.median - base.median) / (args.iters - 1) : null;
  const sizes = data.sizes;
  const n = values.length / layout.itemSize;
  const out = {
    peer: 'emforge',
    model: PEER_MODEL[args.workload],
    dataset: header.name,
    n,
    d: args.workload === 'hmm_disc' || args.workload === 'poisson' ? 1 : layout.itemSize,
    k: sizes.K,
    iters: result.iterations,
    seconds_total: main.median,
    seconds_per_iter: main.median / args.iters,
    seconds_per_iter_marginal: marginal,
    seconds_per_iter_loop: median(main.runs.map((r) => r.loopPerIter)),
    final_loglik: result.logLik,
    threads: args.threads,
    repeat_seconds: main.runs.map((r) => Math.round(r.seconds * 1e6) / 1e6),
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    rss_after_imports_bytes: rssBaseline,
    rss_after_data_bytes: rssLoaded,
    data_bytes: values.byteLength,
    strategy: result.strategy,
    program_kind: program.kind ?? 'mixture',
    warnings: result.warnings,
    cores: availableParallelism(),
    node: process.version,
    load1_at_start: load1,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main();
