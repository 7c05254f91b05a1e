/**
 * The charting library inlined into every report, so that it opens with no network: the
 * minified browser builds of Vega and Vega-Lite from the CLI's own dependencies (vega 6,
 * vega-lite 5; vega-lite's build expects the global `vega`, so Vega comes first). They are read
 * once per process. The page compiles each plot's Vega-Lite spec and renders it as SVG.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface VegaAssets {
  readonly vega: string;
  readonly vegaLite: string;
  readonly versions: { readonly vega: string; readonly vegaLite: string };
}

let cached: VegaAssets | undefined;

function versionOf(packageJson: string): string {
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: string }).version ?? '?';
}

export function vegaAssets(): VegaAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  // vega's `exports` hide build/, but its entry point lives there (build/vega.module.js).
  const vegaBuild = dirname(require.resolve('vega'));
  const vegaLiteBuild = dirname(require.resolve('vega-lite/build/vega-lite.min.js'));
  cached = {
    vega: readFileSync(join(vegaBuild, 'vega.min.js'), 'utf8'),
    vegaLite: readFileSync(join(vegaLiteBuild, 'vega-lite.min.js'), 'utf8'),
    versions: {
      vega: versionOf(join(vegaBuild, '..', 'package.json')),
      vegaLite: versionOf(join(vegaLiteBuild, '..', 'package.json')),
    },
  };
  return cached;
}
