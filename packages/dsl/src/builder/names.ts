/**
 * Name rules for the builder. A name the text could not contain (not an identifier, or a
 * keyword) is a programming error in the TypeScript that calls the builder, so it throws a
 * `TypeError` at once instead of becoming a model diagnostic later.
 */

/** The keywords of the model language (LANGUAGE.md, "Lexical"). */
export const keywords: ReadonlySet<string> = new Set(['model', 'size', 'data', 'param', 'latent', 'let', 'for', 'in']);

const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Returns `name` when it can be written in a model; throws a `TypeError` naming it otherwise. */
export function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string') {
    throw new TypeError(`emforge builder: the ${what} name must be a string, got ${describe(name)}`);
  }
  if (!identifierPattern.test(name)) {
    throw new TypeError(
      `emforge builder: '${name}' is not a valid ${what} name (use letters, digits and '_', not starting with a digit)`,
    );
  }
  if (keywords.has(name)) {
    throw new TypeError(`emforge builder: '${name}' cannot be a ${what} name: it is a keyword of the model language`);
  }
  return name;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${String(value)}`;
}
