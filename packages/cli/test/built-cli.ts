/**
 * Test helper: the real `emforge` binary (bin/emforge.js, which runs the built dist/ — bundled
 * into dist/emforge.cjs by scripts/bundle-cli.mjs), built first when dist/ is missing or older
 * than any source file, and bundled when the bundle is missing or older than dist/main.js.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const bin = join(root, 'packages/cli/bin/emforge.js');
const packages = ['dsl', 'compiler', 'runtime', 'cli'];

/** Newest modification time of the files under `dir` (0 when it does not exist). */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    // (not the code cache, which a run of the command may write: it says nothing about the build)
    if (entry.isFile() && !entry.name.endsWith('.cache'))
      t = Math.max(t, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return t;
}

export const bundle = join(root, 'packages/cli/dist/emforge.cjs');
const mtime = (path: string) => (existsSync(path) ? statSync(path).mtimeMs : -1);

/** Builds the workspace (`pnpm build`: tsc -b packages/cli, then the bundle) where it is stale. */
export function ensureBuilt(): void {
  const built = Math.min(...packages.map((p) => newest(join(root, 'packages', p, 'dist'))));
  const sources = Math.max(...packages.map((p) => newest(join(root, 'packages', p, 'src'))));
  if (built === 0 || built < sources) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-b', 'packages/cli'], { cwd: root, stdio: 'pipe' });
  }
  if (mtime(bundle) < mtime(join(root, 'packages/cli/dist/main.js')))
    execFileSync(process.execPath, ['scripts/bundle-cli.mjs'], { cwd: root, stdio: 'pipe' });
}

/** The environment the binary runs in: no colour, no debug output. */
export const binEnv = { ...process.env, NO_COLOR: '1', EMFORGE_DEBUG: '' };
