/** Typed access to chevrotain CST nodes: children by key, real (not recovery-inserted) tokens, extents. */
import type { CstNode, IToken } from 'chevrotain';

export type CstElement = CstNode | IToken;

export function isToken(e: CstElement | undefined): e is IToken {
  return e !== undefined && 'image' in e;
}

/** False for tokens that error recovery inserted: they have no place in the source. */
export function isReal(t: IToken): boolean {
  return t.isInsertedInRecovery !== true && Number.isFinite(t.startOffset);
}

/** The children of `node` under a rule name, token name or label, in source order. */
export function childrenOf(node: CstNode, key: string): CstElement[] {
  return (node.children[key] as CstElement[] | undefined) ?? [];
}

export function childNode(node: CstNode, key: string, i = 0): CstNode | undefined {
  const e = childrenOf(node, key)[i];
  return e === undefined || isToken(e) ? undefined : e;
}

export function childToken(node: CstNode, key: string, i = 0): IToken | undefined {
  const e = childrenOf(node, key)[i];
  return isToken(e) ? e : undefined;
}

/** The offsets [start, end) of the real tokens a node consumed, or undefined if it consumed none. */
export function extentOf(node: CstNode): [number, number] | undefined {
  const loc = node.location;
  if (!loc || !Number.isFinite(loc.startOffset) || !Number.isFinite(loc.endOffset ?? Number.NaN)) return undefined;
  return [loc.startOffset, (loc.endOffset as number) + 1];
}
