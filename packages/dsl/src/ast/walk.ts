/** Generic traversal of the AST: the children of a node, a pre-order walk, and a node table. */
import { InternalError } from '../diagnostics/diagnostic.js';
import type { Node, NodeId } from './nodes.js';

/** The direct children of a node, in source order. */
export function childrenOf(node: Node): Node[] {
  switch (node.kind) {
    case 'Model':
      return [node.name, ...node.body];
    case 'SizeDecl':
      return [...node.items];
    case 'SizeItem':
      return [node.name, ...(node.over ? [node.over] : []), ...(node.value ? [node.value] : [])];
    case 'VarDecl':
      return [node.name, ...node.dims, node.type];
    case 'Type':
      return [node.name, ...node.args];
    case 'LetDecl':
      return [node.name, node.value];
    case 'For':
      return [node.index, ...(node.lo ? [node.lo] : []), node.hi, ...node.body];
    case 'Sample':
      return [node.target, node.dist, ...node.args];
    case 'Assign':
      return [node.target, node.value];
    case 'Index':
      return [node.target, ...node.indices];
    case 'Call':
      return [node.callee, ...node.args];
    case 'Binary':
      return [node.left, node.right];
    case 'Unary':
      return [node.operand];
    case 'VectorLit':
      return [...node.elements];
    case 'Identifier':
    case 'NumberLit':
    case 'NameRef':
    case 'Error':
      return [];
    default: {
      const never: never = node;
      throw new InternalError(`childrenOf: unknown node ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Visits `node` and its descendants in pre-order. Returning `false` from `visit`
 * skips the node's children.
 */
export function walk(node: Node, visit: (node: Node, parent: Node | undefined) => boolean | void): void {
  const stack: [Node, Node | undefined][] = [[node, undefined]];
  while (stack.length > 0) {
    const [n, parent] = stack.pop() as [Node, Node | undefined];
    if (visit(n, parent) === false) continue;
    const kids = childrenOf(n);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i] as Node, n]);
  }
}

/** Every node of a tree by id. */
export function indexNodes(root: Node): Map<NodeId, Node> {
  const table = new Map<NodeId, Node>();
  walk(root, (n) => {
    table.set(n.id, n);
  });
  return table;
}
