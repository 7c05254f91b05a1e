#!/usr/bin/env node
// Entry point of the `emforge` command; the implementation is compiled to dist/ during install.
// dist/emforge.mjs is the same code bundled into one file (scripts/bundle-cli.mjs), which starts
// several times faster than dist/main.js and its ~400 modules; it is used when it is at least as
// new as dist/main.js (a `tsc -b` without the bundle step leaves it stale, and then it is skipped).
import { statSync } from 'node:fs';

const mtime = (name) => statSync(new URL(name, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = mtime('../dist/emforge.mjs') >= mtime('../dist/main.js');
const { main } = await import(bundled ? '../dist/emforge.mjs' : '../dist/main.js');

process.exitCode = await main(process.argv.slice(2));
