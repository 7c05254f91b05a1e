/**
 * Bundles the `emforge` command into one file, packages/cli/dist/emforge.cjs, after `tsc -b`
 * (the `build` and `prepare` scripts run it). Node loads the compiled packages as ~400 separate
 * ES modules, and opening, parsing and linking them was most of a short `emforge fit`'s time;
 * one file starts several times faster (bench/run.ts measures both). The bundle is CommonJS so
 * that bin/emforge.js can compile it with V8's code cache (dist/emforge.cjs.cache, which a
 * warm-up run here writes: a short fit, so the cache holds the functions a fit compiles).
 * bin/emforge.js runs the bundle when it is at least as new as dist/main.js, else dist/main.js.
 *
 * What makes the bundle behave as the separate modules do:
 * - `import.meta.url` in a module of packages/X/dist keeps naming that module's own file (it
 *   is rewritten to a URL relative to the bundle), so every path a module finds next to itself
 *   (the CLI's package.json, chevrotain's single-file build, the worker of the thread pool,
 *   the runtime's sources for `emforge compile --standalone`, ts-morph loaded on demand) is the
 *   same as without the bundle;
 * - the dsl's chevrotain.js (which loads chevrotain's own single-file build by path, with a
 *   top-level await) is replaced by a plain re-export of chevrotain, bundled with the rest;
 * - dependencies loaded on demand at run time (ts-morph, the TypeScript compiler, playwright)
 *   stay outside; CommonJS dependencies get a `require` for Node's built-in modules.
 *
 * It also bundles the runtime's restart worker (packages/runtime/dist/fast/restart-worker.bundle.mjs),
 * which restart-threads.ts starts when it is at least as new as restart-worker.js.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'packages/cli/dist/emforge.cjs');
const workspaceDist = /[\\/]packages[\\/][^\\/]+[\\/]dist[\\/].*\.js$/;

/** `import.meta.url` of a workspace module → that module's URL, computed from the bundle's (`outfile`). */
const ownUrl = (outfile) => ({
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: workspaceDist }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const rel = relative(dirname(outfile), args.path).split('\\').join('/');
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
});

/** packages/dsl/dist/syntax/chevrotain.js → `export { … } from 'chevrotain'` (its export list kept). */
const plainChevrotain = {
  name: 'plain-chevrotain',
  setup(b) {
    b.onLoad({ filter: /[\\/]packages[\\/]dsl[\\/]dist[\\/]syntax[\\/]chevrotain\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const names = /export const \{([^}]*)\} = chevrotain;/.exec(source)?.[1];
      if (!names) throw new Error(`${args.path}: its export list was not found; update scripts/bundle-cli.mjs`);
      return { contents: `export {${names}} from 'chevrotain';`, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/**
 * Bundles `entry` into `outfile`, written whole and renamed (a failed build never leaves half a
 * bundle): an ES module, or (`cjs`) a CommonJS script, which bin/emforge.js compiles with V8's
 * code cache (Node 20 has no code cache for ES modules); there `import.meta.url` is the bundle's
 * own URL, from `__filename`.
 */
async function bundle(entry, outfile, format = 'esm') {
  const temporary = `${outfile}.${process.pid}.tmp`;
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format,
    target: 'node20',
    external: ['ts-morph', 'typescript', 'playwright-core', 'tsx'],
    banner: {
      js:
        format === 'esm'
          ? "import { createRequire as __emforgeRequire } from 'node:module'; const require = __emforgeRequire(import.meta.url);"
          : "var __emforgeUrl = require('node:url').pathToFileURL(__filename).href;",
    },
    ...(format === 'cjs' ? { define: { 'import.meta.url': '__emforgeUrl' } } : {}),
    plugins: [plainChevrotain, ownUrl(outfile)],
    logLevel: 'warning',
    legalComments: 'none',
  });
  writeFileSync(temporary, asciiOnly(readFileSync(temporary, 'utf8')));
  renameSync(temporary, outfile);
}

/**
 * The bundle with its non-ASCII characters (esbuild escapes them in strings but keeps them in
 * comments and regular expressions) as `\uXXXX` escapes, which mean the same there: Node reads
 * an ASCII file into a one-byte string without decoding it, a third of the time of a UTF-8 read
 * of a 2 MB bundle (bin/emforge.js checks, and decodes UTF-8 when the file is not ASCII).
 */
function asciiOnly(source) {
  // Per UTF-16 unit: a character beyond the BMP becomes its surrogate pair, as it is in the source.
  return source.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

await bundle(join(root, 'packages/cli/dist/main.js'), outfile, 'cjs');
// The ES-module bundle of earlier builds, if any, is no longer run.
rmSync(join(root, 'packages/cli/dist/emforge.mjs'), { force: true });
// A warm-up run writes the code cache (a failure here only leaves the first real run to write it).
rmSync(`${outfile}.cache`, { force: true });
try {
  execFileSync(
    process.execPath,
    [
      join(root, 'packages/cli/bin/emforge.js'),
      'fit',
      join(root, 'examples/old-faithful-gmm/model.em'),
      '--data',
      join(root, 'examples/old-faithful-gmm/data.json'),
      '--restarts',
      '2',
      '--quiet',
    ],
    { stdio: 'ignore', env: { ...process.env, EMFORGE_SHARE_RESTARTS: '0' } },
  );
} catch {
  // the first `emforge` run writes it instead
}
// The second thread of shared restarts (runtime fast/restart-threads.ts) starts from its own
// bundle too: one file loads in a fraction of the time of the runtime's separate modules.
await bundle(
  join(root, 'packages/runtime/dist/fast/restart-worker.js'),
  join(root, 'packages/runtime/dist/fast/restart-worker.bundle.mjs'),
);
