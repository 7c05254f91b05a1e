/**
 * The runtime pieces a generated fitter asks for, by name, and how they reach the file. A name is
 * one of:
 * - any `@emforge/runtime` export (`lgamma`, `RandomStream`, `logPoisson`, …): the default fitter
 *   imports it; `--standalone` inlines the runtime's own declaration, read from
 *   packages/runtime/src with everything it references (inline/runtime-source.ts), so both forms
 *   perform the same floating-point operations in the same order;
 * - a name in `bothForms`: runtime declarations (`file#name`) inlined in both forms (what the
 *   runtime does not export, or what the default fitter has inlined so far);
 * - a name in `localHelpers`: hand-written, inlined in both forms (densities of priors over the
 *   generated flat layout, small constant helpers; each says which runtime code it follows);
 * - `runEm` / `EmStepContext`: imported by the default fitter; `--standalone` inlines
 *   em-driver.ts restricted to plain EM (no variants, acceleration or checkpoints), which is all a
 *   generated fitter runs.
 */
import type { StatementStructure } from './fitter-source.js';
import { type RuntimeDeclaration, runtimeClosure } from './inline/runtime-source.js';

/** A hand-written helper: its text and the helpers (any kind of name above) it refers to. */
export interface LocalHelper {
  readonly needs: readonly string[];
  readonly source: string;
}

const driver = `/** What the EM driver hands each step: the run's stream, the iteration, and where warnings go. */
interface EmStepContext {
  readonly rng: RandomStream;
  /** 0 during initialisation, t during the t-th M-step. */
  readonly iteration: number;
  readonly warn: (message: string) => void;
  /** A deliberate perturbation (a re-seeded component): the monotonicity check skips the iteration. */
  readonly perturb: (message: string) => void;
}

interface EStepResult<S> {
  readonly objective: number;
  readonly stats: S;
}

interface EmHooks<P, S> {
  initialize(ctx: EmStepContext): P;
  eStep(params: P): EStepResult<S>;
  mStep(stats: S, ctx: EmStepContext): P;
}

interface EmOptions {
  readonly seed?: number;
  readonly restarts?: number;
  readonly maxIter?: number;
  readonly tol?: number;
}

interface EmRun<P, S> {
  readonly restart: number;
  readonly params: P;
  readonly stats: S;
  readonly objective: number;
  readonly iterations: number;
  readonly emSteps: number;
  readonly converged: boolean;
  readonly history: readonly number[];
  readonly warnings: readonly string[];
}

/** A decrease larger than this (relative to the objective's magnitude) is not round-off. */
const MONOTONICITY_TOLERANCE = 1e-10;

/** One EM run: the objective at the initial params, then M-step and E-step until converged. */
function runOnce<P, S>(hooks: EmHooks<P, S>, rng: RandomStream, restart: number, options: EmOptions): EmRun<P, S> {
  const maxIter = options.maxIter ?? 1000;
  const tol = options.tol ?? 1e-8;
  const warnings: string[] = [];
  let perturbed = false;
  const context = (iteration: number): EmStepContext => ({
    rng,
    iteration,
    warn: (message) => warnings.push(message),
    perturb: (message) => {
      perturbed = true;
      warnings.push(message);
    },
  });
  let params = hooks.initialize(context(0));
  let { objective, stats } = hooks.eStep(params);
  const history = [objective];
  let converged = false;
  let iterations = 0;
  while (iterations < maxIter && Number.isFinite(objective)) {
    iterations++;
    perturbed = false;
    const previous = objective;
    params = hooks.mStep(stats, context(iterations));
    ({ objective, stats } = hooks.eStep(params));
    history.push(objective);
    const change = objective - previous;
    if (!perturbed && change < -MONOTONICITY_TOLERANCE * Math.max(1, Math.abs(previous))) {
      warnings.push(
        \`iteration \${iterations}: the objective decreased from \${previous} to \${objective}; \` +
          'EM never decreases it, so this points at a wrong E- or M-step (please report it)',
      );
    }
    if (!perturbed && Math.abs(change) < tol * Math.abs(objective)) {
      converged = true;
      break;
    }
  }
  if (!Number.isFinite(objective)) {
    warnings.push(
      \`iteration \${iterations}: the objective is \${objective}: some item is impossible under every latent state; \` +
        'check the data against the model, or raise regCovar',
    );
  }
  return { restart, params, stats, objective, iterations, emSteps: iterations, converged, history, warnings };
}

/** Runs EM \`restarts\` times from independent streams of \`seed\` and keeps the best run. */
function runEm<P, S>(hooks: EmHooks<P, S>, options: EmOptions = {}): { best: EmRun<P, S>; objectives: number[] } {
  const restarts = Math.max(1, options.restarts ?? 1);
  const streams = makeStreams(options.seed ?? 1, restarts);
  let best: EmRun<P, S> | undefined;
  const objectives: number[] = [];
  streams.forEach((rng, r) => {
    const run = runOnce(hooks, rng, r, options);
    objectives.push(run.objective);
    if (best === undefined || run.objective > best.objective || Number.isNaN(best.objective)) best = run;
  });
  if (best === undefined) throw new Error('runEm: no run');
  return { best, objectives };
}`;

/** Runtime declarations inlined in both forms, by helper name: `file#name` under packages/runtime/src. */
export const bothForms: Readonly<Record<string, readonly string[]>> = {
  NEG_INF: ['kernels/log-density.ts#NEG_INF'],
  LOG_2PI: ['kernels/log-density.ts#LOG_2PI'],
  EMPTY: ['em/mixture-m-step.ts#EMPTY'],
  choleskySolves: [
    'math/cholesky.ts#solveLower',
    'math/cholesky.ts#solveLowerTransposed',
    'math/cholesky.ts#solveCholesky',
  ],
  conditionalGaussian: [
    'missing/conditional-gaussian.ts#makePatternFactor',
    'missing/conditional-gaussian.ts#factorPattern',
    'missing/conditional-gaussian.ts#observedLogDensity',
    'missing/conditional-gaussian.ts#conditionalMean',
  ],
  findMissingPatterns: ['missing/missing-patterns.ts#findMissingPatterns'],
  normalizeResponsibilities: ['kernels/responsibilities.ts#normalizeResponsibilities'],
  kMeans: ['chain/chain-init.ts#kMeans'],
  gammaLogDensity: ['distributions/gamma.ts#gammaLogDensity'],
  normalLogDensity: ['distributions/normal.ts#normalLogDensity'],
  solveGammaShape: ['distributions/gamma.ts#solveGammaShape'],
  pivots: ['em/mixture-m-step.ts#pivots'],
  describeCollapse: ['em/mixture-m-step.ts#describeCollapse'],
};

/** The name of the statement `kalmanHelpers` (lower-linear-gaussian-kalman.ts) puts where the Kalman code is used. */
export const KALMAN_HELPER = 'runtime:kalman';

/**
 * Runtime declarations inlined in both forms when a lowering's statements include one with this
 * name (for lowerings that place runtime code as a statement rather than through `use`).
 */
const statementHelpers: Readonly<Record<string, readonly string[]>> = {
  [KALMAN_HELPER]: ['linear-gaussian/kalman.ts#KalmanParams', 'linear-gaussian/kalman.ts#KalmanWorkspace'],
};

/**
 * The Node globals and WebAssembly API the inlined specialised kernels use (fast/: `process.env`
 * switches, the WebAssembly module's bytes from base64, the shared arena), declared in the
 * standalone file itself as fast/webassembly.ts declares them for the runtime, so it type-checks
 * with the ES library alone; module-scoped, so they give way to nothing and clash with nothing.
 */
const nodeGlobals = `/** The Node globals the inlined kernels use (declared here: the file needs no @types/node). */
declare const process: { readonly env: Readonly<Record<string, string | undefined>> };
declare const Buffer: { from(text: string, encoding: 'base64'): Uint8Array };

/** The few WebAssembly declarations the inlined kernels use (shared memories, synchronous compilation). */
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  type ImportValue = Memory | ((...args: number[]) => number | undefined) | number;
  type Imports = Record<string, Record<string, ImportValue>>;
  type ExportValue = Memory | ((...args: number[]) => number);
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Record<string, ExportValue>;
  }
  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}`;

/**
 * Imported by the default fitter; in `--standalone`, this hand-written text instead of the runtime's.
 * `nodeGlobals` is standalone only (the default form gets them from the runtime's own declarations).
 */
const standaloneOnly: Readonly<Record<string, LocalHelper>> = {
  runEm: { needs: ['makeStreams', 'RandomStream'], source: driver },
  EmStepContext: { needs: ['runEm'], source: '' },
  nodeGlobals: { needs: [], source: nodeGlobals },
};

/** Names that exist only in the standalone form: the default form neither imports nor inlines them. */
const standaloneNames = new Set(['nodeGlobals']);

/**
 * Hand-written helpers, always inlined: the log densities of priors over the generated layout
 * (distributions/*.ts, the same operations in the same order), small constant arithmetic, and
 * the once-per-run warning filter of em/mixture-m-step.ts keyed by the run's stream.
 */
export const localHelpers: Readonly<Record<string, LocalHelper>> = {
  eye: {
    needs: [],
    source: `/** The d × d identity, row-major. */
function eye(d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) out[i * d + i] = 1;
  return out;
}`,
  },
  combine: {
    needs: [],
    source: `/** Elementwise arithmetic of constants; a scalar operand broadcasts. */
function combine(
  a: Float64Array,
  aScalar: boolean,
  b: Float64Array,
  bScalar: boolean,
  f: (a: number, b: number) => number,
): Float64Array {
  const length = aScalar ? b.length : a.length;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = f(aScalar ? a[0]! : a[i]!, bScalar ? b[0]! : b[i]!);
  return out;
}`,
  },
  dirichletLogDensity: {
    needs: ['lgamma'],
    source: `/** log Dirichlet(x | alpha) of the k entries of x from \`offset\`; −∞ off the simplex. */
function dirichletLogDensity(x: Float64Array, offset: number, k: number, alpha: number | Float64Array): number {
  if (typeof alpha !== 'number' && alpha.length !== k) return Number.NEGATIVE_INFINITY;
  let total = 0;
  let sumAlpha = 0;
  let lp = 0;
  for (let i = 0; i < k; i++) {
    const a = typeof alpha === 'number' ? alpha : alpha[i]!;
    const xi = x[offset + i]!;
    if (!(a > 0) || a === Number.POSITIVE_INFINITY || !(xi >= 0 && xi <= 1)) return Number.NEGATIVE_INFINITY;
    total += xi;
    sumAlpha += a;
    lp += (a === 1 ? 0 : (a - 1) * Math.log(xi)) - lgamma(a);
  }
  if (Math.abs(total - 1) > 1e-8) return Number.NEGATIVE_INFINITY;
  return lp + lgamma(sumAlpha);
}`,
  },
  betaLogDensity: {
    needs: ['lgamma'],
    source: `/** log Beta(x | a, b). */
function betaLogDensity(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0) || a === Number.POSITIVE_INFINITY || b === Number.POSITIVE_INFINITY) {
    return Number.NEGATIVE_INFINITY;
  }
  if (!(x >= 0 && x <= 1)) return Number.NEGATIVE_INFINITY;
  const left = a === 1 ? 0 : (a - 1) * Math.log(x);
  const right = b === 1 ? 0 : (b - 1) * Math.log1p(-x);
  return left + right - (lgamma(a) + lgamma(b) - lgamma(a + b));
}`,
  },
  firstTime: {
    needs: [],
    source: `/** Warnings already given in a run (keyed by the run's stream): each degenerate element is reported once. */
const reported = new WeakMap<object, Set<string>>();

/** True the first time \`key\` is seen in this run. */
function firstTime(rng: object, key: string): boolean {
  let seen = reported.get(rng);
  if (!seen) {
    seen = new Set();
    reported.set(rng, seen);
  }
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}`,
  },
};

/** The helpers of a fitter, resolved: what is inlined where, and what the default form imports. */
export interface ResolvedHelpers {
  /** Inlined in both forms (`bothForms`, `localHelpers`, what they need that is not imported): before the generated code. */
  readonly top: readonly StatementStructure[];
  /** Inlined by `--standalone` only: after the generated code, under a banner. */
  readonly inlined: readonly StatementStructure[];
  /** Runtime exports the default form imports (none with `--standalone`). */
  readonly imports: { readonly values: readonly string[]; readonly types: readonly string[] };
}

/** The names a hand-written text declares at its top level. */
function declaredIn(source: string): string[] {
  return [...source.matchAll(/^(?:function|const|let|interface|type|class)\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]!);
}

function raw(declaration: RuntimeDeclaration, standalone: boolean): StatementStructure {
  // The standalone fitter exports the result type it returns (the default form re-exports the runtime's).
  const text =
    standalone && declaration.name === 'FitResult'
      ? declaration.text.replace(/^interface /m, 'export interface ')
      : declaration.text;
  return { kind: 'raw', name: declaration.name, text };
}

/**
 * Resolves the helpers a lowering asked for (`requested`, any kind of name above).
 * @param generated the generated code's statements: a runtime declaration with a name they declare is renamed
 */
export function resolveHelpers(
  requested: ReadonlySet<string>,
  standalone: boolean,
  generated: readonly StatementStructure[] = [],
): ResolvedHelpers {
  const locals: { name: string; source: string }[] = [];
  const driver: { name: string; source: string }[] = [];
  const forced: string[] = [];
  const exported: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    if (!standalone && standaloneNames.has(name)) return;
    const local = localHelpers[name];
    const own = standalone ? standaloneOnly[name] : undefined;
    const both = bothForms[name];
    if (local || own) {
      for (const dep of (local ?? own)!.needs) visit(dep);
      if ((local ?? own)!.source !== '') (local ? locals : driver).push({ name, source: (local ?? own)!.source });
    } else if (both) forced.push(...both);
    else exported.push(name);
  };
  for (const name of [...requested].sort()) visit(name);
  for (const statement of generated) forced.push(...(statementHelpers[statement.name] ?? []));
  const reserved = generated.flatMap((s) => (s.kind === 'raw' ? [s.name, ...declaredIn(s.text)] : [s.name]));
  const taken = [...reserved, ...[...locals, ...driver].flatMap((h) => declaredIn(h.source))];
  const requests = [...forced, ...exported];
  const check = (declarations: readonly RuntimeDeclaration[]): void => {
    for (const d of declarations) {
      // A plain name asks for the declaration @emforge/runtime exports under it, not a file-private namesake.
      const asked = requests.find(
        (r) => r === d.key || (!r.includes('#') && d.exported && r === d.key.slice(d.key.indexOf('#') + 1)),
      );
      if (asked && d.name !== d.key.slice(d.key.indexOf('#') + 1)) {
        throw new Error(
          `codegen: the runtime's '${d.key}' would be renamed to '${d.name}' (the generated code declares that name)`,
        );
      }
    }
  };
  const localStatements = locals.map((h): StatementStructure => ({ kind: 'raw', name: h.name, text: h.source }));
  if (!standalone) {
    const { declarations, imported } = runtimeClosure(requests, { importExports: true, reserved: taken });
    check(declarations);
    return {
      top: [...declarations.map((d) => raw(d, false)), ...localStatements],
      inlined: [],
      imports: {
        values: imported
          .filter((d) => !d.typeOnly)
          .map((d) => d.name)
          .sort(),
        types: imported
          .filter((d) => d.typeOnly)
          .map((d) => d.name)
          .sort(),
      },
    };
  }
  const all = runtimeClosure(requests, { reserved: taken }).declarations;
  check(all);
  const inBoth = new Set(
    runtimeClosure(forced, { importExports: true, reserved: taken }).declarations.map((d) => d.key),
  );
  return {
    top: [...all.filter((d) => inBoth.has(d.key)).map((d) => raw(d, true)), ...localStatements],
    inlined: [
      ...driver.map((h): StatementStructure => ({ kind: 'raw', name: h.name, text: h.source })),
      ...all.filter((d) => !inBoth.has(d.key)).map((d) => raw(d, true)),
    ],
    imports: { values: [], types: [] },
  };
}
