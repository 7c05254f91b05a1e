/**
 * Structural comparison of ASTs that ignores where nodes came from (`id`, `span`) and the
 * text of error nodes. `parse(print(ast))` and builder-made trees are compared this way.
 */
import type { Node } from './nodes.js';

/** A plain copy of the tree without ids and spans, for `expect(...).toEqual(...)`. */
export function stripLocations(node: Node): unknown {
  return strip(node);
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'id' || k === 'span') continue;
      if (k === 'text' && (value as { kind?: unknown }).kind === 'Error') continue;
      if (v === undefined) continue;
      out[k] = strip(v);
    }
    return out;
  }
  return value;
}

/** True when the two trees are equal up to ids and spans. */
export function sameStructure(a: Node, b: Node): boolean {
  return JSON.stringify(sortKeys(strip(a))) === JSON.stringify(sortKeys(strip(b)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
