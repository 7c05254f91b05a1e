#!/usr/bin/env node
// Entry point of the `emforge` command; the implementation is compiled to dist/ during install.
//
// dist/emforge.cjs is the same code bundled into one CommonJS file (scripts/bundle-cli.mjs),
// which starts several times faster than dist/main.js and its ~400 modules. It is compiled here
// with V8's code cache, dist/emforge.cjs.cache: compiling the 2 MB bundle is a third of a short
// command's start, and Node 20 keeps no code cache for ES modules (`module.enableCompileCache`
// is Node 22's). The cache starts with the bundle's size and modification time; a cache of
// another build, or one this V8 rejects, is ignored and written anew (whole, then renamed) after
// the command ran, so it holds the functions the command compiled. The bundle is used when it is
// at least as new as dist/main.js (a `tsc -b` without the bundle step leaves it stale, and then
// dist/main.js runs).
//
// This file is CommonJS (bin/package.json says so): Node starts a CommonJS entry point without
// its ES module loader, a few milliseconds sooner.
const { isAscii } = require('node:buffer');
const { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const here = (name) => join(__dirname, name);
const stat = (path) => statSync(path, { throwIfNoEntry: false });

const bundle = here('../dist/emforge.cjs');
const bundleStat = stat(bundle);
const mainPath = here('../dist/main.js');
const mainStat = stat(mainPath);
const args = process.argv.slice(2);

(async () => {
  if (bundleStat && bundleStat.mtimeMs >= (mainStat?.mtimeMs ?? -1)) {
    process.exitCode = await runBundle(bundle, bundleStat);
  } else {
    const { main } = await import(pathToFileURL(mainPath).href);
    process.exitCode = await main(args);
  }
})();

/** Runs the CommonJS bundle's `main`, compiled with (and then refreshing) the code cache. */
async function runBundle(filename, { size, mtimeMs }) {
  const cachePath = `${filename}.cache`;
  const header = Buffer.from(`${size}:${mtimeMs}\n`);
  let cachedData;
  try {
    const file = readFileSync(cachePath);
    if (file.subarray(0, header.length).equals(header)) cachedData = file.subarray(header.length);
  } catch {
    // no cache yet
  }
  // The bundle is ASCII (scripts/bundle-cli.mjs escapes the rest): read without decoding UTF-8.
  const bytes = readFileSync(filename);
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(filename), module, filename, dirname(filename));
  const code = await module.exports.main(args);
  if (cachedData === undefined || script.cachedDataRejected) saveCache(script, cachePath, header);
  return code;
}

/** Writes the cache whole and renames it into place; a read-only install simply goes without. */
function saveCache(script, cachePath, header) {
  const temporary = `${cachePath}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([header, script.createCachedData()]));
    renameSync(temporary, cachePath);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was written
    }
  }
}
