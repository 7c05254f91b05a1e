/**
 * The syntax golden cases (test/golden/bad/syntax-*.em) as the parser sees them: each one
 * reports at least one syntax error, and between them they produce every code of the syntax
 * band. The rendered output itself is compared by the golden runner (test/golden).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { syntaxMessages } from '../../src/index.js';
import { parse, rendered } from './helpers.js';

const badDir = fileURLToPath(new URL('../../../../test/golden/bad/', import.meta.url));
const cases = readdirSync(badDir)
  .filter((f) => f.startsWith('syntax-') && f.endsWith('.em'))
  .sort();

describe('syntax golden cases', () => {
  it('there are at least a dozen', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s reports a syntax error', (file) => {
    const p = parse(readFileSync(`${badDir}${file}`, 'utf8'), `test/golden/bad/${file}`);
    expect(
      p.diagnostics.some((d) => d.code.startsWith('E1')),
      rendered(p),
    ).toBe(true);
  });

  it('between them produce every syntax code', () => {
    const seen = new Set<string>();
    for (const file of cases) {
      for (const d of parse(readFileSync(`${badDir}${file}`, 'utf8')).diagnostics) seen.add(d.code);
    }
    const codes = Object.values(syntaxMessages).map((m) => m.code);
    expect(codes.filter((c) => !seen.has(c))).toEqual([]);
  });
});
