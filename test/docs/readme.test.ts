/**
 * The documentation runs: every ```ts block of README.md and docs/*.md is written to a file and
 * imported (so it type-checks as vitest transforms it and runs against the sources), and the
 * README's "first model" walkthrough — the model, the CSV and the two commands as written — is
 * carried out in a temporary folder. A snippet that throws, or a walkthrough command that does
 * not exit 0, fails here.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { captureIo, main } from '@emforge/cli';
import { afterEach, describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const docs = ['README.md', ...readdirSync(join(root, 'docs')).map((f) => `docs/${f}`)].filter((f) => f.endsWith('.md'));

/** The fenced blocks of a markdown text with the given info string, in order. */
function blocks(text: string, lang: string): string[] {
  const pattern = new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm');
  return [...text.matchAll(pattern)].map((m) => m[1] as string);
}

const snippets = docs.flatMap((doc) =>
  blocks(readFileSync(join(root, doc), 'utf8'), 'ts').map((code, i) => ({ name: `${doc} #${i + 1}`, code })),
);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the TypeScript in the docs runs', () => {
  it('has the README examples', () => {
    expect(snippets.filter((s) => s.name.startsWith('README.md')).length).toBeGreaterThanOrEqual(2);
  });

  it.each(snippets)('$name', async ({ code }) => {
    const dir = mkdtempSync(join(tmpdir(), 'emforge-doc-'));
    const file = join(dir, 'snippet.ts');
    writeFileSync(file, code);
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    await import(pathToFileURL(file).href);
    expect(logged.length, 'a snippet shows what it computed').toBeGreaterThan(0);
  });
});

describe("the README's first model, as a new user follows it", () => {
  it('checks and fits poismix.em on counts.csv with the documented commands', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Your first model'), readme.indexOf('## The language'));
    const [model, csv] = blocks(section, '');
    const commands = blocks(section, 'sh')[0]?.trim().split('\n') ?? [];
    expect(model).toContain('model poismix');
    expect(commands).toEqual([
      'pnpm exec emforge check poismix.em',
      'pnpm exec emforge fit poismix.em --data counts.csv --seed 1',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'emforge-first-'));
    writeFileSync(join(dir, 'poismix.em'), model ?? '');
    writeFileSync(join(dir, 'counts.csv'), csv ?? '');
    for (const command of commands) {
      const args = command
        .replace('pnpm exec emforge ', '')
        .split(' ')
        .map((a) => (a.endsWith('.em') || a.endsWith('.csv') ? join(dir, a) : a));
      const io = captureIo();
      const code = await main(args, io);
      expect(code, io.out() + io.err()).toBe(0);
      if (args[0] === 'fit') {
        expect(io.out()).toMatch(/rate/);
        expect(io.out()).toMatch(/log-likelihood -\d/);
      }
    }
  });
});
