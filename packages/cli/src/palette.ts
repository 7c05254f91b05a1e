/**
 * Terminal colours. Colour is used only when standard output is a terminal and NO_COLOR is not
 * set (https://no-color.org), unless `--color`/`--no-color` says otherwise; picocolors does the
 * escaping.
 */
import type { RenderOptions } from '@emforge/dsl';
import pc from 'picocolors';
import type { CliIo } from './cli-io.js';

export interface Palette {
  readonly enabled: boolean;
  readonly ok: (s: string) => string;
  readonly error: (s: string) => string;
  readonly warning: (s: string) => string;
  readonly note: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

/** Decides whether to colour: an explicit flag wins, then NO_COLOR, then "is stdout a TTY". */
export function wantsColor(io: CliIo, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  const noColor = io.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  return io.stdoutIsTTY;
}

export function makePalette(enabled: boolean): Palette {
  const c = pc.createColors(enabled);
  return {
    enabled,
    ok: c.green,
    error: (s) => c.bold(c.red(s)),
    warning: (s) => c.bold(c.yellow(s)),
    note: (s) => c.bold(c.cyan(s)),
    dim: c.dim,
    bold: c.bold,
  };
}

/** The palette in the shape `renderDiagnostics` takes. */
export function renderColors(p: Palette): NonNullable<RenderOptions['color']> {
  return { error: p.error, warning: p.warning, note: p.note, dim: p.dim, bold: p.bold };
}
