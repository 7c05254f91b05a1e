/**
 * chevrotain, loaded from its single-file ES module build. The package's main entry
 * (lib/src/api.js) is hundreds of small modules (its own and lodash-es's), which Node loads one
 * by one: about a second at every start of the CLI; the bundle it ships beside it
 * (lib/chevrotain.mjs, the same code) loads in tens of milliseconds. The package's exports map
 * does not name the bundle, so it is found next to the resolved entry; if it is not there, the
 * main entry is used. Types still come from 'chevrotain' itself.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Chevrotain from 'chevrotain';

const entry = createRequire(import.meta.url).resolve('chevrotain');
const bundle = join(dirname(entry), '..', 'chevrotain.mjs');
const chevrotain: typeof Chevrotain = existsSync(bundle)
  ? await import(pathToFileURL(bundle).href)
  : await import('chevrotain');

export const { createToken, createTokenInstance, CstParser, EOF, Lexer, tokenMatcher } = chevrotain;
