/**
 * `pnpm bench`: emforge and its peers side by side on the same generated data, written up as
 * BENCHMARKS.md (not part of the test suite). Steps, each in child processes so every
 * measurement has its own process (and its own peak RSS):
 *   1. data: peers/gen_data.py into bench/data (deterministic; md5s checked against the list
 *      the peer kit was measured on), regenerated only when missing or different;
 *   2. latency: parse + check + plan of every language-reference and example model (warm), and
 *      the built CLI's `emforge fit` on 1,000 points including process start (first, on the
 *      machine before minutes of full load slow it down; see main);
 *   3. the peers (scikit-learn, mclust, pomegranate, hand-written numpy; peers/*) at 1 and 2
 *      threads, OpenBLAS pinned as in the kit's run_peers.sh, the same iteration counts;
 *   4. emforge (run-emforge.ts) on the same workloads from the same initial parameters, at 1 and
 *      2 threads;
 *   5. memory: a GMM with N = 2,000,000, D = 10, K = 8, peak RSS against 2.5× the raw data;
 *   6. SQUAREM against plain EM on a heavily overlapping mixture (squarem.ts);
 *   7. BENCHMARKS.md: per workload a table, a summary of issue 9's targets, machine and load.
 *
 * Environment: QUICK=1 smoke run (≤ 3 iterations, 1 repeat; writes bench/results/BENCHMARKS.quick.md);
 * REPEATS (default 3); SKIP_PEERS=1 reuses the last peer results (bench/results/peers-latest.jsonl);
 * ONLY=gmm_d10_full,poisson to run some workloads; SKIP=memory,latency,squarem to leave steps out;
 * BUILD=0 to skip `pnpm -s build`; OUT=path for the report.
 *
 *   pnpm exec tsx bench/run.ts            # the full run (~40 min on the 2-core machine)
 *   QUICK=1 pnpm exec tsx bench/run.ts    # smoke test
 */
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
const bench = join(root, 'bench');
const dataDir = join(bench, 'data');
const resultsDir = join(bench, 'results');
const QUICK = Boolean(process.env.QUICK);
const REPEATS = QUICK ? 1 : Number(process.env.REPEATS ?? 3);
const ONLY = process.env.ONLY?.split(',').filter(Boolean);
const SKIP = new Set(process.env.SKIP?.split(',').filter(Boolean) ?? []);
const OUT = process.env.OUT ?? (QUICK ? join(resultsDir, 'BENCHMARKS.quick.md') : join(root, 'BENCHMARKS.md'));
const PY = '/usr/bin/python3';
const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-pthread';
const THREADS = [1, 2];
const stamp = new Date()
  .toISOString()
  .replace(/[-:]/g, '')
  .replace(/\.\d+Z$/, 'Z');

mkdirSync(resultsDir, { recursive: true });
const rawPath = join(resultsDir, `raw-${stamp}.jsonl`);
const its = (n: number) => (QUICK ? Math.min(n, 3) : n);
const log = (s: string) => process.stderr.write(`${s}\n`);

// biome-ignore lint/suspicious/noExplicitAny: rows are the runners' JSON lines
type Row = Record<string, any>;

/** The md5 of each standard data set the peer kit's numbers were measured on (PEERS.md). */
const DATA_MD5: Record<string, string> = {
  gmm_d10_k8_n100000: 'c04d2552f319f584c56fe8a7037387ea',
  gmm_d2_k3_n10000: '36b845c116cf68aaa255c2586f7d5276',
  gmm_d50_k10_n100000: 'c72805e3bf189d0717888c94d0c4e2bf',
  hmm_disc_k5_m20_t1000000: 'd71accedeea1d3d4c8bdd88da57ff5c1',
  hmm_gauss_k4_d3_s100x1000: '5cab47d9d957dfb7eac52d791712a1d6',
  poismix_k4_n1000000: '8708fcf3f1b14cb2704d477d310eb73e',
};

interface Workload {
  readonly id: string;
  readonly title: string;
  readonly data: string;
  /** run-emforge.ts's workload. */
  readonly emforge: 'gmm_full' | 'gmm_diag' | 'poisson' | 'hmm_gauss' | 'hmm_disc';
  readonly iters: number;
  /** Peer command lines (after the interpreter), given the data path and iterations. */
  readonly peers: readonly (readonly string[])[];
  /** One of issue 9's target workloads. */
  readonly target: boolean;
}

const gmmPeers = (cov: 'full' | 'diag', iters: number) => (f: string) => [
  [PY, 'peers/run_sklearn.py', f, '--cov', cov, '--iters', `${iters}`, '--repeats', `${REPEATS}`],
  ['Rscript', 'peers/run_mclust.R', f, cov === 'full' ? 'VVV' : 'VVI', `${iters}`, `${REPEATS}`],
  [PY, 'peers/run_pomegranate.py', f, '--kind', `gmm_${cov}`, '--iters', `${iters}`, '--repeats', `${REPEATS}`],
];
const kindPeers = (kind: string, iters: number, numpy: boolean) => (f: string) => [
  [PY, 'peers/run_pomegranate.py', f, '--kind', kind, '--iters', `${iters}`, '--repeats', `${REPEATS}`],
  ...(numpy
    ? [
        [
          PY,
          'peers/run_numpy.py',
          f,
          '--kind',
          kind === 'hmm_gauss' ? 'hmm_gauss' : 'poisson',
          '--iters',
          `${iters}`,
          '--repeats',
          `${REPEATS}`,
        ],
      ]
    : []),
];

function workload(
  id: string,
  title: string,
  data: string,
  emforge: Workload['emforge'],
  iters: number,
  peers: (file: string) => string[][],
  target: boolean,
): Workload {
  const n = its(iters);
  return { id, title, data, emforge, iters: n, peers: peers(join(dataDir, `${data}.f64`)), target };
}

/** The kit's workloads and iteration counts (run_peers.sh), in its order. */
const WORKLOADS: Workload[] = [
  workload(
    'gmm_d2_full',
    'GMM D=2 K=3 N=10k, full covariance',
    'gmm_d2_k3_n10000',
    'gmm_full',
    100,
    gmmPeers('full', its(100)),
    false,
  ),
  workload(
    'gmm_d10_full',
    'GMM D=10 K=8 N=100k, full covariance',
    'gmm_d10_k8_n100000',
    'gmm_full',
    10,
    gmmPeers('full', its(10)),
    true,
  ),
  workload(
    'gmm_d50_full',
    'GMM D=50 K=10 N=100k, full covariance',
    'gmm_d50_k10_n100000',
    'gmm_full',
    3,
    gmmPeers('full', its(3)),
    true,
  ),
  workload(
    'gmm_d2_diag',
    'GMM D=2 K=3 N=10k, diagonal covariance',
    'gmm_d2_k3_n10000',
    'gmm_diag',
    100,
    gmmPeers('diag', its(100)),
    false,
  ),
  workload(
    'gmm_d10_diag',
    'GMM D=10 K=8 N=100k, diagonal covariance',
    'gmm_d10_k8_n100000',
    'gmm_diag',
    20,
    gmmPeers('diag', its(20)),
    true,
  ),
  workload(
    'gmm_d50_diag',
    'GMM D=50 K=10 N=100k, diagonal covariance',
    'gmm_d50_k10_n100000',
    'gmm_diag',
    5,
    gmmPeers('diag', its(5)),
    false,
  ),
  workload(
    'poisson',
    'Poisson mixture K=4 N=1e6',
    'poismix_k4_n1000000',
    'poisson',
    10,
    kindPeers('poisson', its(10), true),
    true,
  ),
  workload(
    'hmm_gauss',
    'Gaussian HMM K=4 D=3, 100 sequences × 1000',
    'hmm_gauss_k4_d3_s100x1000',
    'hmm_gauss',
    10,
    kindPeers('hmm_gauss', its(10), true),
    true,
  ),
  workload(
    'hmm_disc',
    'Discrete HMM K=5 M=20, 1 sequence × 1e6',
    'hmm_disc_k5_m20_t1000000',
    'hmm_disc',
    4,
    kindPeers('hmm_disc', its(4), false),
    true,
  ),
].filter((w) => !ONLY || ONLY.includes(w.id));

function record(section: string, row: Row): Row {
  const out = { section, ...row };
  appendFileSync(rawPath, `${JSON.stringify(out)}\n`);
  return out;
}

/** Runs a command; returns its last stdout line parsed as JSON, or undefined on failure. */
function runJson(cmd: readonly string[], options: SpawnSyncOptions = {}): Row | undefined {
  const [file, ...args] = cmd;
  const r = spawnSync(file!, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 3 * 3600_000, ...options });
  const noise = /iteration limit reached|^Warning message|^In me|^ {2}iteration|^\s*$/;
  const err = String(r.stderr ?? '')
    .split('\n')
    .filter((l) => !noise.test(l));
  if (err.length > 0) log(err.map((l) => `    ${l}`).join('\n'));
  const last =
    String(r.stdout ?? '')
      .trim()
      .split('\n')
      .pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) {
    log(`  FAILED (${r.status ?? r.signal}): ${cmd.join(' ')}`);
    return undefined;
  }
  return JSON.parse(last) as Row;
}

const md5 = (path: string) => createHash('md5').update(readFileSync(path)).digest('hex');

// ---- 1. data ----------------------------------------------------------------------------------
function prepareData(): Record<string, string> {
  const bad = () =>
    Object.entries(DATA_MD5).filter(
      ([n, sum]) => !existsSync(join(dataDir, `${n}.f64`)) || md5(join(dataDir, `${n}.f64`)) !== sum,
    );
  if (bad().length > 0) {
    log('== data: generating (peers/gen_data.py)');
    const r = spawnSync(PY, ['peers/gen_data.py', '--outdir', dataDir], { cwd: bench, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('gen_data.py failed');
  }
  const sums: Record<string, string> = {};
  for (const n of Object.keys(DATA_MD5)) sums[n] = md5(join(dataDir, `${n}.f64`));
  const wrong = bad().map(([n]) => n);
  if (wrong.length > 0) log(`WARNING: data differ from the kit's md5s: ${wrong.join(', ')}`);
  return sums;
}

// ---- 2./3. peers and emforge -------------------------------------------------------------------
function peerEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (existsSync(join(OPENBLAS, 'libblas.so.3'))) {
    env.LD_LIBRARY_PATH = OPENBLAS + (env.LD_LIBRARY_PATH ? `:${env.LD_LIBRARY_PATH}` : '');
  }
  for (const v of ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS']) env[v] = `${threads}`;
  return env;
}

const short = (r: Row) =>
  `${r.peer} ${r.model} ${r.dataset} T=${r.threads} iters=${r.iters} s/iter=${fmtTime(r.seconds_per_iter)} ll=${r.final_loglik}`;

function runPeers(): Row[] {
  const latest = join(resultsDir, 'peers-latest.jsonl');
  if (process.env.SKIP_PEERS && existsSync(latest)) {
    log(`== peers: reusing ${latest}`);
    const rows = readFileSync(latest, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    return rows.filter((r) => WORKLOADS.some((w) => w.id === r.workload));
  }
  const path = join(resultsDir, `peers-${stamp}.jsonl`);
  const rows: Row[] = [];
  for (const T of THREADS) {
    log(`== peers, threads=${T}`);
    for (const w of WORKLOADS) {
      for (const cmd of w.peers) {
        const r = runJson(cmd, { cwd: bench, env: peerEnv(T) });
        if (!r) continue;
        const row = record('peer', { ...r, workload: w.id });
        appendFileSync(path, `${JSON.stringify(row)}\n`);
        rows.push(row);
        log(`  ${short(row)}`);
      }
    }
  }
  if (existsSync(latest)) unlinkSync(latest);
  symlinkSync(`peers-${stamp}.jsonl`, latest);
  return rows;
}

const emforgeCmd = (w: string, data: string, iters: number, repeats: number, threads: number) => [
  process.execPath,
  '--import',
  'tsx',
  join(bench, 'run-emforge.ts'),
  w,
  data,
  '--iters',
  `${iters}`,
  '--repeats',
  `${repeats}`,
  '--threads',
  `${threads}`,
];

function runEmforge(): Row[] {
  const rows: Row[] = [];
  for (const T of THREADS) {
    log(`== emforge, threads=${T}`);
    for (const w of WORKLOADS) {
      const r = runJson(emforgeCmd(w.emforge, join(dataDir, `${w.data}.f64`), w.iters, REPEATS, T), { cwd: root });
      if (!r) continue;
      const row = record('emforge', { ...r, workload: w.id });
      rows.push(row);
      log(`  ${short(row)}`);
    }
  }
  return rows;
}

// ---- 4. memory -------------------------------------------------------------------------------
const BIG = 'gmm_d10_k8_n2000000';
function runMemory(): Row[] {
  const file = join(dataDir, `${BIG}.f64`);
  if (!existsSync(file)) {
    log(`== memory: generating ${BIG} (gen_data.py --gmm 2000000 10 8)`);
    spawnSync(PY, ['peers/gen_data.py', '--gmm', '2000000', '10', '8', '--outdir', dataDir], {
      cwd: bench,
      stdio: 'inherit',
    });
  }
  const rows: Row[] = [];
  for (const T of THREADS) {
    log(`== memory, threads=${T}`);
    const r = runJson(emforgeCmd('gmm_full', file, QUICK ? 1 : 3, 1, T), { cwd: root });
    if (r) rows.push(record('memory', r));
    if (r) log(`  ${short(r)} peak RSS ${fmtBytes(r.peak_rss_bytes)}`);
  }
  return rows;
}

// ---- 5. latency ------------------------------------------------------------------------------
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Wall times of a whole process: `runs` of them after one warm-up run (the file cache), and their median. */
type Wall = { median: number; all: number[]; ok: boolean };

/** One run of `cmd`: wall seconds and whether it exited 0. */
function spawnTimed(cmd: readonly string[], cwd = root): { s: number; ok: boolean } {
  const [file, ...args] = cmd;
  const t0 = performance.now();
  const r = spawnSync(file!, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { s: (performance.now() - t0) / 1000, ok: r.status === 0 };
}

function wall(cmd: readonly string[], runs: number, cwd = root): Wall {
  return wallInterleaved({ cmd }, runs, cwd).cmd!;
}

/**
 * Wall times of several commands measured in turns (one warm-up each, then `runs` rounds of
 * every command in order): on a machine whose speed drifts from minute to minute, each command
 * then meets the same moments, and the bare `node -e 0` among them says how fast they were.
 */
function wallInterleaved(cmds: Record<string, readonly string[]>, runs: number, cwd = root): Record<string, Wall> {
  const out: Record<string, Wall> = {};
  for (const [name, cmd] of Object.entries(cmds)) {
    spawnTimed(cmd, cwd);
    out[name] = { median: 0, all: [], ok: true };
  }
  for (let i = 0; i < runs; i++) {
    for (const [name, cmd] of Object.entries(cmds)) {
      const r = spawnTimed(cmd, cwd);
      out[name]!.all.push(r.s);
      out[name]!.ok &&= r.ok;
    }
  }
  for (const w of Object.values(out)) w.median = median(w.all);
  return out;
}

function runLatency(): Row {
  log('== latency: parse + check + plan');
  const plan = runJson(
    [process.execPath, '--import', 'tsx', join(bench, 'latency-plan.ts'), '--repeats', QUICK ? '10' : '30'],
    {
      cwd: root,
    },
  );
  // The CLI on 1,000 points of a 2-D, 3-component GMM drawn by the kit's generator.
  const json = join(dataDir, 'latency_gmm_d2_k3_n1000.json');
  if (!existsSync(json)) {
    spawnSync(PY, ['peers/gen_data.py', '--gmm', '1000', '2', '3', '--outdir', dataDir], {
      cwd: bench,
      stdio: 'inherit',
    });
    const x = new Float64Array(readFileSync(join(dataDir, 'gmm_d2_k3_n1000.f64')).buffer.slice(0));
    writeFileSync(
      json,
      JSON.stringify({ x: Array.from({ length: x.length / 2 }, (_, i) => [x[2 * i], x[2 * i + 1]]) }),
    );
  }
  const cli = join(root, 'packages/cli/bin/emforge.js');
  const runs = QUICK ? 3 : 7;
  const fitArgs = [
    'fit',
    'bench/models/gmm-full.em',
    '--data',
    'bench/data/latency_gmm_d2_k3_n1000.json',
    '--size',
    'K=3',
  ];
  log('== latency: emforge fit on 1,000 points');
  const { fit, fit1, check, bare } = wallInterleaved(
    {
      fit: [process.execPath, cli, ...fitArgs],
      fit1: [process.execPath, cli, ...fitArgs, '--restarts', '1'],
      check: [process.execPath, cli, 'check', 'bench/models/gmm-full.em'],
      bare: [process.execPath, '-e', '0'],
    },
    runs,
  );
  // Where a process start goes: the import of each package's build (and its heavy dependencies).
  const imports: Record<string, number> = {};
  for (const [name, spec] of [
    ['runtime', './packages/runtime/dist/index.js'],
    ['dsl (chevrotain)', './packages/dsl/dist/index.js'],
    ['compiler (imports dsl, runtime, ts-morph)', './packages/compiler/dist/index.js'],
    ['cli', './packages/cli/dist/index.js'],
  ] as const) {
    if (!existsSync(join(root, spec))) continue;
    imports[name] = wall([process.execPath, '--input-type=module', '-e', `await import('${spec}')`], runs).median;
  }
  for (const [name, pkg] of [
    ['ts-morph', 'packages/compiler'],
    ['chevrotain', 'packages/dsl'],
  ] as const) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `await import('${name}')`], {
      cwd: join(root, pkg),
    });
    if (r.status === 0) {
      imports[`${name} alone`] = wall(
        [process.execPath, '--input-type=module', '-e', `await import('${name}')`],
        runs,
      ).median;
    }
  }
  return record('latency', {
    plan,
    cli: {
      command: `node packages/cli/bin/emforge.js ${fitArgs.join(' ')}`,
      fit,
      fit_restarts1: fit1,
      check,
      node_bare: bare,
      imports,
    },
  });
}

// ---- 6. SQUAREM ------------------------------------------------------------------------------
function runSquarem(): Row | undefined {
  log('== SQUAREM');
  const r = runJson([process.execPath, '--import', 'tsx', join(bench, 'squarem.ts'), '--repeats', QUICK ? '1' : '3'], {
    cwd: root,
  });
  return r ? record('squarem', r) : undefined;
}

// ---- 7. the report ---------------------------------------------------------------------------
function fmtTime(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '–';
  const a = Math.abs(s);
  if (a >= 1) return `${s.toPrecision(3)} s`;
  if (a >= 1e-3) return `${(s * 1e3).toPrecision(3)} ms`;
  return `${(s * 1e6).toPrecision(3)} µs`;
}
function fmtBytes(b: number | null | undefined): string {
  return b === null || b === undefined ? '–' : `${(b / 1e6).toFixed(0)} MB`;
}
const yes = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**not met**');
const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

interface WorkloadSummary {
  readonly w: Workload;
  readonly best?: Row;
  readonly e1?: Row;
  readonly e2?: Row;
  readonly agree?: { peer: string; rel: number };
}

function workloadSection(w: Workload, peers: Row[], em: Row[], lines: string[]): WorkloadSummary {
  const mine = peers.filter((r) => r.workload === w.id);
  const e = em.filter((r) => r.workload === w.id);
  const ones = mine.filter((r) => r.threads === 1);
  const best = ones.reduce<Row | undefined>(
    (b, r) => (!b || r.seconds_per_iter < b.seconds_per_iter ? r : b),
    undefined,
  );
  const e1 = e.find((r) => r.threads === 1);
  const e2 = e.find((r) => r.threads === 2);
  lines.push(`### ${w.title}${w.target ? '' : ' (not an issue-9 target)'}`, '');
  lines.push(
    `Data \`${w.data}\`, ${w.iters} EM iterations from the shared start; best peer (1 thread): ${best ? `${best.peer}, ${fmtTime(best.seconds_per_iter)}/iter` : '–'}.`,
    '',
  );
  lines.push(
    '| peer | threads | iters | s/iter | ratio to best peer (1 thr) | s/iter marginal | final log-likelihood | peak RSS | load at start |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const r of [...mine, ...e].sort((a, b) => a.peer.localeCompare(b.peer) || a.threads - b.threads)) {
    const ratio = best ? (r.seconds_per_iter / best.seconds_per_iter).toFixed(2) : '–';
    const name = r.peer === 'emforge' ? '**emforge**' : r.peer;
    lines.push(
      `| ${name} | ${r.threads} | ${r.iters} | ${fmtTime(r.seconds_per_iter)} | ${ratio}× | ${fmtTime(r.seconds_per_iter_marginal)} | ${r.final_loglik} | ${fmtBytes(r.peak_rss_bytes)} | ${r.load1_at_start ?? '–'} |`,
    );
  }
  lines.push('');
  // Agreement: the emforge final log-likelihood against the peers that ran the same iterations.
  let agree: { peer: string; rel: number } | undefined;
  if (e1) {
    const same = ones.filter((r) => r.iters === e1.iters);
    for (const r of same) {
      const rel = relDiff(e1.final_loglik, r.final_loglik);
      if (!agree || rel < agree.rel) agree = { peer: r.peer, rel };
    }
    const diffs = same.map((r) => `${r.peer} ${relDiff(e1.final_loglik, r.final_loglik).toExponential(1)}`).join(', ');
    if (diffs)
      lines.push(`Relative difference of emforge's final log-likelihood (1 thread) to each peer: ${diffs}.`, '');
    if (e1.seconds_per_iter_loop !== undefined) {
      lines.push(
        `emforge's EM loop alone (median time between iteration callbacks): ${fmtTime(e1.seconds_per_iter_loop)}/iter at 1 thread` +
          (e2 ? `, ${fmtTime(e2.seconds_per_iter_loop)} at 2 threads` : '') +
          `; executor: \`${e1.program_kind}\`/\`${e1.strategy}\`.`,
        '',
      );
    }
  }
  const out: { -readonly [K in keyof WorkloadSummary]: WorkloadSummary[K] } = { w };
  if (best) out.best = best;
  if (e1) out.e1 = e1;
  if (e2) out.e2 = e2;
  if (agree) out.agree = agree;
  return out;
}

function threadsOptionPresent(): boolean {
  const fit = readFileSync(join(root, 'packages/runtime/src/em/fit.ts'), 'utf8');
  return /readonly threads\?/.test(fit);
}

function report(ctx: {
  sums: Record<string, string>;
  peers: Row[];
  em: Row[];
  memory: Row[];
  latency?: Row;
  squarem?: Row;
  load0: number[];
  started: Date;
  build: string;
}): string {
  const { peers, em } = ctx;
  const lines: string[] = [];
  const cpu = cpus()[0]?.model ?? 'unknown';
  const peerVersions = [...new Set(peers.map((r) => r.peer))].sort().join(', ');
  lines.push('# Benchmarks: emforge and its peers', '');
  lines.push(
    `Generated by \`pnpm bench\` (bench/run.ts)${QUICK ? ' — **QUICK smoke run: ≤ 3 iterations, 1 repeat; the numbers are not the benchmark**' : ''} on ${ctx.started.toISOString()}. ` +
      'Every figure was measured in this run on this machine; nothing is copied from elsewhere.',
    '',
  );
  lines.push('## Machine', '');
  lines.push(
    `- CPU: ${cpu}, ${availableParallelism()} cores; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB; Linux ${release()}`,
  );
  lines.push(
    `- Node ${process.version}; peers: ${peerVersions || '–'}; BLAS for the peers: OpenBLAS (${OPENBLAS}) when installed`,
  );
  lines.push(
    `- 1/5/15-minute load average at the start: ${ctx.load0.map((l) => l.toFixed(2)).join(' / ')}; at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' / ',
      )} (2 cores: a load well above the benchmark's own threads means other processes competed; each row has its own load at start)`,
  );
  lines.push(
    `- emforge build: ${ctx.build}; \`threads\` option in EmFitOptions: ${threadsOptionPresent() ? 'present' : 'absent (2-thread rows run the same single-threaded code)'}`,
  );
  lines.push(`- Repeats per timing: ${REPEATS} (median)`, '');

  // Per workload.
  const sections: string[] = [];
  const summaries = WORKLOADS.map((w) => workloadSection(w, peers, em, sections));

  // Summary of the targets.
  lines.push('## Issue 9 targets', '');
  lines.push('| target | measured | met? |', '|---|---|---|');
  for (const s of summaries.filter((x) => x.w.target)) {
    const b = s.best?.seconds_per_iter as number | undefined;
    const t1 = s.e1?.seconds_per_iter as number | undefined;
    const t2 = s.e2?.seconds_per_iter as number | undefined;
    lines.push(
      `| ${s.w.title}: emforge 1 thread ≤ best peer | ${fmtTime(t1)} vs ${fmtTime(b)} (${s.best?.peer ?? '–'}): ${t1 && b ? (t1 / b).toFixed(2) : '–'}× | ${yes(t1 && b ? t1 <= b : undefined)} |`,
    );
    lines.push(
      `| ${s.w.title}: emforge 2 threads ≤ 0.5 × best peer | ${fmtTime(t2)} vs ${fmtTime(b ? b / 2 : undefined)}: ${t2 && b ? (t2 / b).toFixed(2) : '–'}× | ${yes(t2 && b ? t2 <= 0.5 * b : undefined)} |`,
    );
    lines.push(
      `| ${s.w.title}: final log-likelihood agrees with the peers (same EM path, ≤ 1e-6 relative) | ${s.agree ? `${s.agree.rel.toExponential(1)} (${s.agree.peer})` : '–'} | ${yes(s.agree ? s.agree.rel <= 1e-6 : undefined)} |`,
    );
  }
  const raw = 2_000_000 * 10 * 8;
  for (const m of ctx.memory) {
    lines.push(
      `| Memory: GMM N=2,000,000 D=10 K=8, ${m.threads} thread(s): peak RSS ≤ 2.5 × ${fmtBytes(raw)} = ${fmtBytes(2.5 * raw)} | ${fmtBytes(m.peak_rss_bytes)} (${(m.peak_rss_bytes / raw).toFixed(2)}× the data; ${fmtBytes(m.rss_after_imports_bytes)} after imports) | ${yes(m.peak_rss_bytes <= 2.5 * raw)} |`,
    );
  }
  if (ctx.memory.length === 0) lines.push('| Memory: GMM N=2,000,000 D=10 K=8 | – | not measured |');
  const plan = ctx.latency?.plan as Row | undefined;
  if (plan) {
    const worst = (plan.models as Row[]).reduce((a, b) => (b.median_ms > a.median_ms ? b : a));
    lines.push(
      `| Latency: parse + check + plan < 20 ms warm (every model, median of ${plan.repeats}) | slowest ${worst.median_ms.toFixed(2)} ms (${worst.model}) over ${plan.models.length} models | ${yes(worst.median_ms < 20)} |`,
    );
  } else lines.push('| Latency: parse + check + plan < 20 ms | – | not measured |');
  const cli = ctx.latency?.cli as Row | undefined;
  if (cli) {
    lines.push(
      `| Latency: \`emforge fit\` on 1,000 points < 0.5 s including process start | ${fmtTime(cli.fit.median)} (median of ${cli.fit.all.length})${cli.fit.ok ? '' : ' — the command FAILED'} | ${yes(cli.fit.ok && cli.fit.median < 0.5)} |`,
    );
  } else lines.push('| Latency: `emforge fit` on 1,000 points | – | not measured |');
  const sq = (ctx.squarem?.rows as Row[] | undefined)?.find((r) => r.tol === 1e-8);
  if (sq) {
    const ratio = sq.plain.em_maps / sq.squarem.em_maps;
    const better = sq.squarem.objective >= sq.plain.objective - 1e-7 * Math.abs(sq.plain.objective);
    lines.push(
      `| SQUAREM: ≥ 2× fewer iterations to tol 1e-8 at an equal or better objective | ${sq.plain.em_maps} EM maps → ${sq.squarem.em_maps} (${ratio.toFixed(1)}×; ${sq.squarem.iterations} cycles); objective ${sq.plain.objective} → ${sq.squarem.objective} | ${yes(ratio >= 2 && better && sq.plain.converged && sq.squarem.converged)} |`,
    );
  } else lines.push('| SQUAREM | – | not measured |');
  lines.push('');
  lines.push(
    '`s/iter` = median fit wall time / iterations (the fit call only: no process start, no data loading, no planning; for emforge it includes what `fitAnyProgram` does after the last iteration, e.g. assembling the posteriors). ' +
      '`s/iter marginal` = (median T(iters) − median T(1)) / (iters − 1), fixed costs cancelled. `ratio` is against the fastest peer at 1 thread in this run. ' +
      'Final log-likelihoods compare between rows with the same `iters` (same start, same EM path; sklearn and emforge add regCovar 1e-6 to variances, the numpy HMM adds 1e-6·I, pomegranate adds nothing). ' +
      "mclust stops when the log-likelihood change is exactly 0, so its `iters` can be smaller. Peak RSS is the process's (emforge runs under tsx with the TypeScript sources: the `after imports` baseline is in the raw JSON).",
    '',
  );
  lines.push('## Per workload', '', ...sections);

  // Memory, latency and SQUAREM details.
  lines.push('## Memory', '');
  if (ctx.memory.length > 0) {
    lines.push(
      '| threads | iters | s/iter | peak RSS | RSS after imports | RSS after data load | raw data | final log-likelihood |',
    );
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const m of ctx.memory) {
      lines.push(
        `| ${m.threads} | ${m.iters} | ${fmtTime(m.seconds_per_iter)} | ${fmtBytes(m.peak_rss_bytes)} | ${fmtBytes(m.rss_after_imports_bytes)} | ${fmtBytes(m.rss_after_data_bytes)} | ${fmtBytes(m.data_bytes)} | ${m.final_loglik} |`,
      );
    }
    lines.push(
      '',
      'The data are read into one Float64Array and handed to the runtime as the bound variable (no nested arrays, no copy).',
      '',
    );
  } else lines.push('Not measured in this run.', '');
  lines.push('## Latency', '');
  if (plan) {
    lines.push(`parse + check + plan (\`planSource\`), warm (10 warm-up runs, then ${plan.repeats} timed):`, '');
    lines.push('| model | median | max | planned |', '|---|---|---|---|');
    for (const m of plan.models as Row[]) {
      lines.push(
        `| ${m.model} | ${m.median_ms.toFixed(2)} ms | ${m.max_ms.toFixed(2)} ms | ${m.planned && m.errors === 0 ? 'yes' : 'NO'} |`,
      );
    }
    lines.push('');
  }
  if (cli) {
    lines.push(
      `\`${cli.command}\` (10 restarts by default), wall time including process start, median of ${cli.fit.all.length} after one warm-up; measured first in the run, before the per-iteration workloads. The first four commands run in turns (each round runs every one of them once), so they meet the same moments of a machine whose speed drifts; the bare \`node -e 0\` start says how fast the machine was then:`,
      '',
    );
    const range = (w: { all: number[] }) =>
      w.all.length ? `${fmtTime(Math.min(...w.all))} – ${fmtTime(Math.max(...w.all))}` : '–';
    lines.push('| process | median wall time | fastest – slowest |', '|---|---|---|');
    lines.push(`| \`emforge fit\` (defaults: 10 restarts) | ${fmtTime(cli.fit.median)} | ${range(cli.fit)} |`);
    lines.push(`| \`emforge fit --restarts 1\` | ${fmtTime(cli.fit_restarts1.median)} | ${range(cli.fit_restarts1)} |`);
    lines.push(`| \`emforge check\` (no fit) | ${fmtTime(cli.check.median)} | ${range(cli.check)} |`);
    lines.push(`| \`node -e 0\` (bare process start) | ${fmtTime(cli.node_bare.median)} | ${range(cli.node_bare)} |`);
    for (const [name, s] of Object.entries(cli.imports as Record<string, number>)) {
      lines.push(`| \`node\` importing ${name} | ${fmtTime(s)} | |`);
    }
    lines.push('');
  }
  lines.push('## SQUAREM', '');
  if (ctx.squarem) {
    const s = ctx.squarem;
    lines.push(
      `Heavily overlapping mixture \`${s.dataset}\` (N = ${s.n}, D = ${s.d}, K = ${s.k}, full covariances; test/peers/gmm), from the fixture's initial parameters, run to convergence (|Δ objective| < tol·|objective|).`,
      '',
    );
    lines.push(
      '| tol | method | iterations | EM maps | final objective | converged | decreases | fit time |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const r of s.rows as Row[]) {
      for (const [name, x] of [
        ['plain EM', r.plain],
        ['SQUAREM', r.squarem],
      ] as const) {
        lines.push(
          `| ${r.tol} | ${name} | ${x.iterations} | ${x.em_maps} | ${x.objective} | ${x.converged} | ${x.decreases} | ${fmtTime(x.seconds)} |`,
        );
      }
    }
    lines.push('');
  } else lines.push('Not measured in this run.', '');

  lines.push('## Reproduce', '');
  lines.push('```bash');
  lines.push('pnpm install && pnpm -s build');
  lines.push(
    'pnpm bench                      # = pnpm exec tsx bench/run.ts: data, peers, emforge, memory, latency, SQUAREM → BENCHMARKS.md',
  );
  lines.push(
    'QUICK=1 pnpm bench              # smoke run (≤ 3 iterations, 1 repeat) → bench/results/BENCHMARKS.quick.md',
  );
  lines.push('SKIP_PEERS=1 ONLY=gmm_d10_full pnpm bench   # emforge only, reusing the last peer results');
  lines.push('# single runs (one JSON line each):');
  lines.push('/usr/bin/python3 bench/peers/gen_data.py --outdir bench/data');
  lines.push(
    'pnpm exec tsx bench/run-emforge.ts gmm_full bench/data/gmm_d10_k8_n100000.f64 --iters 10 --repeats 3 --threads 1',
  );
  lines.push(
    `LD_LIBRARY_PATH=${OPENBLAS} OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/run_sklearn.py bench/data/gmm_d10_k8_n100000.f64 --cov full --iters 10 --repeats 3`,
  );
  lines.push('pnpm exec tsx bench/latency-plan.ts; pnpm exec tsx bench/squarem.ts');
  lines.push('```', '');
  lines.push("Data md5 (bench/data, identical to the peer kit's list):", '', '```');
  for (const [n, s] of Object.entries(ctx.sums)) lines.push(`${s}  ${n}.f64`);
  lines.push('```', '', `Raw results: \`bench/results/raw-${stamp}.jsonl\` (git-ignored).`, '');
  return lines.join('\n');
}

function main() {
  const started = new Date();
  const load0 = loadavg();
  log(`emforge bench ${QUICK ? '(QUICK) ' : ''}→ ${OUT}; raw results ${rawPath}`);
  let build = 'not rebuilt (BUILD=0)';
  if (process.env.BUILD !== '0') {
    const r = spawnSync('pnpm', ['-s', 'build'], { cwd: root, stdio: 'inherit' });
    build =
      r.status === 0 ? '`pnpm -s build` succeeded' : '`pnpm -s build` FAILED (the CLI rows use the previous build)';
  }
  const sums = prepareData();
  // Latency first: a command's start is a few short processes, measured on the machine as a user
  // meets it, not after minutes of both cores at full load (on this VM everything then runs
  // slower for a while: a bare `node -e 0` measured 70–80 ms rested and 106–136 ms right after
  // the memory step). The bare start measured in the same step is reported next to it.
  const latency = SKIP.has('latency') ? undefined : runLatency();
  const peers = runPeers();
  const em = runEmforge();
  const memory = SKIP.has('memory') ? [] : runMemory();
  const squarem = SKIP.has('squarem') ? undefined : runSquarem();
  const text = report({ sums, peers, em, memory, latency, squarem, load0, started, build });
  writeFileSync(OUT, text);
  log(`wrote ${OUT}`);
}

main();
