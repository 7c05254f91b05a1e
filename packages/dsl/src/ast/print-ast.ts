/**
 * AST → source text in the canonical layout: two-space indentation, one item per line, single
 * spaces around binary operators and after commas, and only the parentheses that precedence
 * and associativity require. `parse(print(ast))` equals `ast` up to ids and spans, and numbers
 * print so that they re-read to the same value and the same `isInteger`. Error nodes print
 * the text that was skipped (such trees do not round-trip).
 */
import { InternalError } from '../diagnostics/diagnostic.js';
import type { Expr, Item, Model, SizeItem, TypeExpr } from './nodes.js';

const indentUnit = '  ';

export function printModel(model: Model): string {
  const lines = [`model ${model.name.name} {`];
  printItems(model.body, indentUnit, lines);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** One item (a `for` spans several lines), without indentation of its first line. */
export function printItem(item: Item): string {
  const lines: string[] = [];
  printItems([item], '', lines);
  return lines.join('\n');
}

function printItems(items: readonly Item[], indent: string, lines: string[]): void {
  for (const item of items) {
    if (item.kind === 'For') {
      const range = item.lo ? `${printExpr(item.lo)}..${printExpr(item.hi)}` : printExpr(item.hi);
      const head = `${indent}for ${item.index.name} in ${range} {`;
      if (item.body.length === 0) {
        lines.push(`${head}}`);
        continue;
      }
      lines.push(head);
      printItems(item.body, indent + indentUnit, lines);
      lines.push(`${indent}}`);
    } else {
      lines.push(indent + printSimpleItem(item));
    }
  }
}

function printSimpleItem(item: Exclude<Item, { kind: 'For' }>): string {
  switch (item.kind) {
    case 'SizeDecl':
      return `size ${item.items.map(printSizeItem).join(', ')}`;
    case 'VarDecl': {
      const dims = item.dims.map((d) => `[${printExpr(d)}]`).join('');
      return `${item.role} ${item.name.name}${dims}: ${printType(item.type)}${item.optional ? '?' : ''}`;
    }
    case 'LetDecl':
      return `let ${item.name.name} = ${printExpr(item.value)}`;
    case 'Sample':
      return `${printExpr(item.target)} ~ ${item.dist.name}(${printList(item.args)})`;
    case 'Assign':
      return `${printExpr(item.target)} = ${printExpr(item.value)}`;
    case 'Error':
      return item.text;
    default: {
      const never: never = item;
      throw new InternalError(`printItem: unknown item ${JSON.stringify(never)}`);
    }
  }
}

function printSizeItem(item: SizeItem): string {
  const over = item.over ? `[${item.over.name}]` : '';
  const value = item.value ? ` = ${printExpr(item.value)}` : '';
  return `${item.name.name}${over}${value}`;
}

function printType(type: TypeExpr): string {
  return type.args.length === 0 ? type.name.name : `${type.name.name}[${printList(type.args)}]`;
}

function printList(exprs: readonly Expr[]): string {
  return exprs.map(printExpr).join(', ');
}

// ---------------------------------------------------------------- expressions

/** Binding strength, loosest first; mirrors the grammar's expression rules. */
enum Level {
  Additive = 1,
  Multiplicative = 2,
  Unary = 3,
  Power = 4,
  Postfix = 5,
}

function levelOf(e: Expr): Level {
  switch (e.kind) {
    case 'Binary':
      return e.op === '+' || e.op === '-' ? Level.Additive : e.op === '^' ? Level.Power : Level.Multiplicative;
    case 'Unary':
      return Level.Unary;
    default:
      return Level.Postfix;
  }
}

/** Prints `e`, parenthesised when it binds more loosely than the grammar allows at `min`. */
function printAt(e: Expr, min: Level): string {
  const text = printExpr(e);
  return levelOf(e) < min ? `(${text})` : text;
}

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'NumberLit':
      return formatNumber(e.value, e.isInteger);
    case 'NameRef':
      return e.name;
    case 'Index':
      return `${printAt(e.target, Level.Postfix)}[${printList(e.indices)}]`;
    case 'Call':
      return `${e.callee.name}(${printList(e.args)})`;
    case 'VectorLit':
      return `[${printList(e.elements)}]`;
    case 'Unary':
      // The operand of `-` is a unary or a power (`-a^2` is `-(a^2)`).
      return `-${printAt(e.operand, Level.Unary)}`;
    case 'Binary': {
      if (e.op === '^') return `${printAt(e.left, Level.Postfix)}^${printAt(e.right, Level.Unary)}`;
      const level = levelOf(e);
      // Left-associative: the right operand must bind strictly tighter.
      return `${printAt(e.left, level)} ${e.op} ${printAt(e.right, level + 1)}`;
    }
    case 'Error':
      return e.text;
    default: {
      const never: never = e;
      throw new InternalError(`printExpr: unknown expression ${JSON.stringify(never)}`);
    }
  }
}

/**
 * A number literal that re-reads as the same value and kind: integers in full digits
 * (`1000000000000000000000`), other values with a `.` or an exponent (`3.0`, `1e+21`, `0.1`).
 */
export function formatNumber(value: number, isInteger: boolean): string {
  if (!Number.isFinite(value) || value < 0) throw new InternalError(`cannot print number literal ${value}`);
  if (isInteger && Number.isInteger(value)) return BigInt(value).toString();
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}
