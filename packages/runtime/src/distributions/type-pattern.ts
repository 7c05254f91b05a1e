/**
 * The notation distribution specs use for types, and its parser. A pattern is one or more
 * alternatives separated by `|`; each alternative is a base type with an optional list of
 * shape variables or literal lengths:
 *
 *     real   positive   prob   int   count          scalars
 *     real[D]   positive[K]   count[K]              vectors (or `real[R, C]` matrices)
 *     cat[K]   simplex[K]   cov[D]                  structured values
 *
 * The parser lives in the runtime so that both the checker and the runtime's own data
 * validation read specs the same way.
 */

export const typeBases = ['real', 'positive', 'prob', 'int', 'count', 'cat', 'simplex', 'cov'] as const;
export type TypeBase = (typeof typeBases)[number];

/** A shape entry: a shape variable such as `K`, or a literal length. */
export type ShapeEntry = string | number;

export interface TypeAlternative {
  readonly base: TypeBase;
  readonly shape: readonly ShapeEntry[];
}

export function isTypeBase(name: string): name is TypeBase {
  return (typeBases as readonly string[]).includes(name);
}

const alternativePattern = /^([a-z]+)(?:\[([^\]]*)\])?$/;

/** Parses a pattern; throws on a malformed one (a bug in a spec, caught by the registry test). */
export function parseTypePattern(pattern: string): readonly TypeAlternative[] {
  return pattern.split('|').map((text) => {
    const match = alternativePattern.exec(text.trim());
    const base = match?.[1];
    if (!match || base === undefined || !isTypeBase(base)) throw new Error(`malformed type pattern '${pattern}'`);
    const shape = match[2] === undefined ? [] : match[2].split(',').map((s) => parseShapeEntry(s.trim(), pattern));
    return { base, shape };
  });
}

function parseShapeEntry(text: string, pattern: string): ShapeEntry {
  if (/^[0-9]+$/.test(text)) return Number(text);
  if (/^[A-Z][A-Za-z0-9_]*$/.test(text)) return text;
  throw new Error(`malformed shape '${text}' in type pattern '${pattern}'`);
}

/** The pattern text of one alternative, e.g. `simplex[K]`. */
export function formatTypeAlternative(alt: TypeAlternative): string {
  return alt.shape.length === 0 ? alt.base : `${alt.base}[${alt.shape.join(', ')}]`;
}
