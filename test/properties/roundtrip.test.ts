/**
 * Printer/parser round trip over random well-formed models: parsing the printed text gives
 * back the same tree (up to ids and spans) without any diagnostic, and printing is a fixed
 * point. Also checks that the generator really reaches every node kind and optional field.
 */
import { type Model, type Node, parseModel, printModel, SourceFile, stripLocations, walk } from '@emforge/dsl';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryModel } from './arbitrary-model.js';

function reparse(text: string): Model {
  const result = parseModel(new SourceFile('printed.em', text));
  if (result.diagnostics.length > 0 || !result.value) {
    throw new Error(`printed text does not re-parse cleanly:\n${text}\n${JSON.stringify(result.diagnostics, null, 1)}`);
  }
  return result.value;
}

describe('print → parse round trip', () => {
  it('parse(print(ast)) equals ast up to ids and spans', () => {
    fc.assert(
      fc.property(arbitraryModel, (model) => {
        const text = printModel(model);
        expect(stripLocations(reparse(text))).toEqual(stripLocations(model));
      }),
      { numRuns: 600, seed: 20240611 },
    );
  });

  it('printing a re-parsed model gives the same text', () => {
    fc.assert(
      fc.property(arbitraryModel, (model) => {
        const text = printModel(model);
        expect(printModel(reparse(text))).toBe(text);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('the generator covers every node kind and every optional field', () => {
    const seen = new Set<string>();
    const note = (n: Node) => {
      seen.add(n.kind);
      if (n.kind === 'SizeItem') {
        seen.add(n.over ? 'SizeItem.over' : 'SizeItem.noOver');
        seen.add(n.value ? 'SizeItem.value' : 'SizeItem.noValue');
      }
      if (n.kind === 'For') {
        seen.add(n.lo ? 'For.lo' : 'For.noLo');
        if (n.body.some((i) => i.kind === 'For')) seen.add('For.nested');
      }
      if (n.kind === 'VarDecl') {
        seen.add(`VarDecl.${n.role}`);
        seen.add(n.optional ? 'VarDecl.optional' : 'VarDecl.required');
        if (n.dims.length > 1) seen.add('VarDecl.dims2');
      }
      if (n.kind === 'Type' && n.args.length > 0) seen.add('Type.args');
      if (n.kind === 'Binary') seen.add(`Binary${n.op}`);
      if (n.kind === 'Unary' && n.operand.kind === 'Binary') seen.add('Unary.ofBinary');
      if (n.kind === 'Binary' && n.op === '^' && n.right.kind === 'Unary') seen.add('Power.unaryExponent');
      if (n.kind === 'Index' && n.target.kind === 'Index') seen.add('Index.ofIndex');
      if (n.kind === 'Index' && n.indices.length > 1) seen.add('Index.multi');
      if (n.kind === 'NumberLit') seen.add(n.isInteger ? 'NumberLit.integer' : 'NumberLit.real');
    };
    for (const model of fc.sample(arbitraryModel, { numRuns: 300, seed: 42 })) walk(model, (n) => void note(n));
    const expected = [
      ...['Model', 'SizeDecl', 'SizeItem', 'VarDecl', 'Type', 'LetDecl', 'For', 'Sample', 'Assign'],
      ...['Identifier', 'NumberLit', 'NameRef', 'Index', 'Call', 'Binary', 'Unary', 'VectorLit'],
      ...['SizeItem.over', 'SizeItem.noOver', 'SizeItem.value', 'SizeItem.noValue', 'For.lo', 'For.noLo', 'For.nested'],
      ...['VarDecl.data', 'VarDecl.param', 'VarDecl.latent', 'VarDecl.optional', 'VarDecl.required', 'VarDecl.dims2'],
      ...['Type.args', 'Binary+', 'Binary-', 'Binary*', 'Binary/', 'Binary^', 'Unary.ofBinary', 'Power.unaryExponent'],
      ...['Index.ofIndex', 'Index.multi', 'NumberLit.integer', 'NumberLit.real'],
    ];
    expect(expected.filter((k) => !seen.has(k))).toEqual([]);
  });
});
