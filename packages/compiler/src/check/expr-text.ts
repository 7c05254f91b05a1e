/**
 * Expressions printed back as the user would write them, for messages (`mu[z[n]]`,
 * `(1 - theta) / 4`). Works on builder-made trees too, which have no source text.
 */
import type { Expr } from '@emforge/dsl';

const precedence: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '^': 4 };

export function exprText(e: Expr): string {
  return print(e, 0);
}

function print(e: Expr, outer: number): string {
  switch (e.kind) {
    case 'NumberLit':
      return String(e.value);
    case 'NameRef':
      return e.name;
    case 'Index':
      return `${print(e.target, 5)}[${e.indices.map((i) => print(i, 0)).join(', ')}]`;
    case 'Call':
      return `${e.callee.name}(${e.args.map((a) => print(a, 0)).join(', ')})`;
    case 'VectorLit':
      return `[${e.elements.map((a) => print(a, 0)).join(', ')}]`;
    case 'Unary': {
      const text = `-${print(e.operand, 3)}`;
      return outer > 3 ? `(${text})` : text;
    }
    case 'Binary': {
      const p = precedence[e.op] ?? 1;
      // `^` is right-associative; the others are left-associative.
      const leftP = e.op === '^' ? p + 1 : p;
      const rightP = e.op === '^' ? p : p + 1;
      const text = `${print(e.left, leftP)} ${e.op} ${print(e.right, rightP)}`;
      return p < outer ? `(${text})` : text;
    }
    case 'Error':
      return '…';
  }
}
