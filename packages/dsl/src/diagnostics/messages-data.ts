/**
 * Catalogue band 6xxx: data files that cannot be read, or whose values do not fit the model's
 * `data` and `size` declarations. The argument types mirror the runtime's `DataProblem` facts
 * (the runtime cannot import this package); the CLI's table from problem kinds to these entries
 * is checked by the compiler against both. A place in the data is written `x[12][1]`.
 */
import { message } from './message.js';
import { didYouMean } from './suggest.js';

/** A JSON value that is not what was expected. */
export type FoundValue =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'array'; readonly length: number }
  | { readonly kind: 'object' }
  | { readonly kind: 'null' }
  | { readonly kind: 'absent' };

/** Where the value of a size came from. */
export type SizeSource =
  | { readonly kind: 'array'; readonly variable: string; readonly index: readonly number[] }
  | { readonly kind: 'override' }
  | { readonly kind: 'file' }
  | { readonly kind: 'declaration' };

export interface DataPlaceArgs {
  readonly variable: string;
  readonly index: readonly number[];
}

export type SupportRule = 'negative' | 'fractional' | 'not-positive' | 'not-probability' | 'category-range';

const entries = (n: number): string => `${n} ${n === 1 ? 'entry' : 'entries'}`;

const path = (p: DataPlaceArgs): string => `\`${p.variable}${p.index.map((i) => `[${i}]`).join('')}\``;

function describeFound(f: FoundValue): string {
  switch (f.kind) {
    case 'number':
      return String(f.value);
    case 'string':
      return `the string ${JSON.stringify(f.text.length > 40 ? `${f.text.slice(0, 40)}…` : f.text)}`;
    case 'boolean':
      return String(f.value);
    case 'array':
      return `an array of ${entries(f.length)}`;
    case 'object':
      return 'an object';
    case 'null':
      return 'null';
    case 'absent':
      return 'nothing';
  }
}

function describeSource(s: SizeSource, size: string | number, value: number): string {
  switch (s.kind) {
    case 'array':
      return `from ${path(s)}`;
    case 'override':
      return `from --size ${size}=${value}`;
    case 'file':
      return `given as "${String(size).replace(/\[.*$/, '')}" in the data file`;
    case 'declaration':
      return 'as declared';
  }
}

const supportText: Record<SupportRule, (type: string, categories?: number) => string> = {
  negative: (type) => `a ${type} must be a non-negative integer`,
  fractional: (type) => `a ${type} must be a whole number`,
  'not-positive': () => 'a positive value must be greater than 0',
  'not-probability': () => 'a prob must lie in [0, 1]',
  'category-range': (_type, k) =>
    k === undefined ? 'a category must be 0 or more' : `a cat[${k}] category must be one of 0 … ${k - 1}`,
};

const notANumberHint = (f: FoundValue): string | undefined =>
  f.kind === 'string'
    ? 'write numbers without quotes'
    : f.kind === 'boolean'
      ? 'write true and false as 1 and 0'
      : undefined;

export const dataMessages = {
  jsonSyntax: message<{ detail: string }>(
    'E6001',
    'a data file that is not valid JSON',
    (a) => `the data file is not valid JSON: ${a.detail}`,
    () => 'a JSON data file is one object whose keys are the data names, e.g. {"x": [[1.5, 2], [0.3, 4]]}',
  ),
  csvSyntax: message<{ row: number; detail: string }>(
    'E6002',
    'a malformed row in a CSV data file',
    (a) => `CSV row ${a.row} is malformed: ${a.detail}`,
    () => 'every row needs one cell per header column; quote cells that contain commas',
  ),
  csvLayout: message<{ declaration: string }>(
    'E6003',
    'a model whose data a CSV file cannot hold',
    (a) => `a CSV file cannot hold the data \`${a.declaration}\``,
    () =>
      'a CSV file holds data over one size (a column per scalar, `x.0`, `x.1`, … per vector entry) or sequences `y[S][T]` in long form (a `seq` column, a row per step); give other data as JSON',
  ),
  csvHeader: message<{ column: string; duplicate: boolean; known: readonly string[] }>(
    'E6004',
    'a CSV column that names no data declaration',
    (a) =>
      a.duplicate
        ? `the CSV header names column '${a.column}' twice`
        : `the CSV header names column '${a.column}', which is not a data name of the model`,
    (a) => didYouMean(a.column, a.known) ?? `the model's data names are ${a.known.join(', ')}`,
  ),
  notAnObject: message<{ found: FoundValue }>(
    'E6005',
    'a data file that is not one object',
    (a) => `the data must be one object with a key per data name, but the file holds ${describeFound(a.found)}`,
    () => 'write the data as {"x": [...], "y": [...]}',
  ),
  missingVariable: message<{ variable: string; typeText: string }>(
    'E6006',
    'a data declaration with no value in the data file',
    (a) => `no value for data '${a.variable}' (declared \`${a.typeText}\`)`,
    (a) => `add "${a.variable}" to the data file`,
  ),
  unknownKey: message<{ key: string; known: readonly string[] }>(
    'W6007',
    'a data file key that the model does not declare',
    (a) => `the data file has '${a.key}', which is not a data or size name of the model; it is ignored`,
    (a) => didYouMean(a.key, a.known),
  ),
  wrongNesting: message<DataPlaceArgs & { expected: 'array' | 'number'; size?: string | number; found: FoundValue }>(
    'E6008',
    'a value nested deeper or shallower than declared',
    (a) =>
      a.expected === 'number'
        ? `${path(a)} should be a number, but is ${describeFound(a.found)}`
        : `${path(a)} should be an array${a.size === undefined ? '' : ` of ${a.size} entries`}, but is ${describeFound(a.found)}`,
    () => 'arrays nest as declared: the dims before the colon, then the shape of the element type',
  ),
  lengthMismatch: message<
    DataPlaceArgs & { length: number; size: string | number; expected: number; source: SizeSource }
  >('E6009', 'an array whose length disagrees with its size', (a) =>
    typeof a.size === 'number'
      ? `${path(a)} has ${entries(a.length)}, but the declaration says ${a.size}`
      : `${path(a)} has ${entries(a.length)}, but ${a.size} = ${a.expected} (${describeSource(a.source, a.size, a.expected)})`,
  ),
  notANumber: message<DataPlaceArgs & { found: FoundValue }>(
    'E6010',
    'a data value that is not a number',
    (a) => `${path(a)} should be a number, but is ${describeFound(a.found)}`,
    (a) => notANumberHint(a.found),
  ),
  missingValue: message<DataPlaceArgs & { typeText: string }>(
    'E6011',
    'a missing value where the type has no `?`',
    (a) => `${path(a)} is missing, but '${a.variable}' is declared \`${a.typeText}\` without \`?\``,
    () => 'fill in the value, or add `?` to the type (e.g. `real[D]?`) if entries may be missing',
  ),
  notFinite: message<DataPlaceArgs & { value: number }>(
    'E6012',
    'a data value that is infinite or NaN',
    (a) => `${path(a)} is ${a.value}; data values must be finite`,
    () => 'numbers beyond ±1.8e308 read as infinite; mark a missing value with null and a `?` type',
  ),
  outsideSupport: message<DataPlaceArgs & { value: number; type: string; rule: SupportRule; categories?: number }>(
    'E6013',
    'a data value outside the support of its type',
    (a) => `${path(a)} is ${a.value}, but ${supportText[a.rule](a.type, a.categories)}`,
    (a) =>
      a.rule === 'category-range' && a.value === a.categories
        ? 'categories are numbered from 0: if the data count from 1, subtract 1'
        : undefined,
  ),
  notASimplex: message<DataPlaceArgs & { sum: number; negativeAt?: number }>(
    'E6014',
    'a simplex value that is not a probability vector',
    (a) =>
      a.negativeAt !== undefined
        ? `${path(a)} is not a probability vector: entry ${a.negativeAt} is negative`
        : `${path(a)} is not a probability vector: its entries sum to ${a.sum}`,
    () => 'a simplex has non-negative entries summing to 1 (within 1e-8); exact zeros are allowed',
  ),
  notACovariance: message<DataPlaceArgs & { asymmetricAt?: readonly [number, number] }>(
    'E6015',
    'a cov value that is not symmetric positive definite',
    (a) =>
      a.asymmetricAt
        ? `${path(a)} is not symmetric: entries [${a.asymmetricAt[0]}][${a.asymmetricAt[1]}] and [${a.asymmetricAt[1]}][${a.asymmetricAt[0]}] differ`
        : `${path(a)} is not positive definite`,
    () => 'a cov[D] value must be a symmetric positive-definite D×D matrix',
  ),
  sizeNotBound: message<{ size: string; over?: string }>(
    'E6016',
    'a size that neither the data nor a default gives',
    (a) =>
      a.over === undefined
        ? `size ${a.size} cannot be inferred from the data and has no default`
        : `the ragged size ${a.size} has no lengths: no data array gives them`,
    (a) =>
      a.over === undefined
        ? `pass it when fitting, e.g. --size ${a.size}=3, or give "${a.size}" in the data file`
        : `give one length per index of ${a.over} in the data file: "${a.size}": [...]`,
  ),
  sizeInvalid: message<{ size: string; found: FoundValue; source: SizeSource }>(
    'E6017',
    'a size that is not a positive integer',
    (a) =>
      a.source.kind === 'array'
        ? `size ${a.size} must be a positive integer, but ${path(a.source)} has ${describeFound(a.found)} entries`
        : `size ${a.size} must be a positive integer, but ${a.source.kind === 'override' ? '--size' : 'the data file'} gives ${describeFound(a.found)}`,
  ),
  sizeConflict: message<{ size: string; value: number; source: SizeSource; other: number; otherSource: SizeSource }>(
    'E6018',
    'a size given two different values',
    (a) =>
      `size ${a.size} is ${a.value} (${describeSource(a.source, a.size, a.value)}) but ${a.other} (${describeSource(a.otherSource, a.size, a.other)})`,
    () => 'give each size once, or make the values agree',
  ),
  unknownSize: message<{ size: string; known: readonly string[]; ragged: boolean }>(
    'E6019',
    'a --size option that names no plain size',
    (a) =>
      a.ragged
        ? `--size cannot set the ragged size ${a.size}: it has one length per index`
        : `--size ${a.size}: the model has no size '${a.size}'`,
    (a) =>
      a.ragged
        ? `give its lengths in the data file: "${a.size}": [...]`
        : (didYouMean(a.size, a.known) ??
          (a.known.length > 0 ? `the model's sizes are ${a.known.join(', ')}` : 'the model declares no sizes')),
  ),
  moreProblems: message<{ variable: string; count: number }>(
    'N6020',
    'the count of further data problems not listed',
    (a) => `… and ${a.count} more ${a.count === 1 ? 'problem' : 'problems'} in '${a.variable}'`,
  ),
  ndjsonSyntax: message<{ line: number; detail: string }>(
    'E6021',
    'an NDJSON line that is not one JSON object',
    (a) => `NDJSON line ${a.line} is not a JSON object: ${a.detail}`,
    () =>
      'an NDJSON file holds one JSON object per line, e.g. {"x": [1.5, 2]}; a first line may give sizes and whole data',
  ),
  ndjsonKey: message<{ line: number; key: string; role: 'item' | 'header' | 'missing'; known: readonly string[] }>(
    'E6022',
    'an NDJSON line whose keys do not fit the model',
    (a) =>
      a.role === 'missing'
        ? `NDJSON line ${a.line} has no '${a.key}'; every item line gives every per-item data name`
        : a.role === 'header'
          ? `NDJSON line ${a.line} gives '${a.key}', a size or whole data, which only the first line may give`
          : `NDJSON line ${a.line} has '${a.key}', which is not a data or size name of the model`,
    (a) =>
      a.role === 'header'
        ? 'put sizes and data that are not per item on the first line, alone: {"K": 3}'
        : (didYouMean(a.key, a.known) ?? `the per-item data names are ${a.known.join(', ')}`),
  ),
  columnsOption: message<{
    variable: string;
    problem: 'unknown-variable' | 'unknown-column' | 'not-tabular' | 'scalar-columns';
    column?: string;
    known: readonly string[];
  }>(
    'E6023',
    'a --columns mapping that does not fit the model or the data file',
    (a) =>
      a.problem === 'unknown-variable'
        ? `--columns ${a.variable}=…: the model has no data '${a.variable}' held in columns`
        : a.problem === 'unknown-column'
          ? `--columns ${a.variable}=…: the data file has no column '${a.column}'`
          : a.problem === 'scalar-columns'
            ? `--columns ${a.variable}=…: '${a.variable}' is scalar data, so it takes one column, not several`
            : `--columns applies to CSV and NDJSON data, not to a JSON object (for '${a.variable}')`,
    (a) =>
      a.known.length > 0
        ? (didYouMean(a.column ?? a.variable, a.known) ?? `the choices are ${a.known.join(', ')}`)
        : undefined,
  ),
  csvSequence: message<{ declaration: string; column: string; row?: number }>(
    'E6024',
    'a long CSV file of sequences without a sequence label',
    (a) =>
      a.row === undefined
        ? `the sequences of \`${a.declaration}\` need a '${a.column}' column naming each row's sequence`
        : `CSV row ${a.row} names no sequence: its '${a.column}' cell is empty`,
    () =>
      'sequence data is read in long form: a row per step and a `seq` column (any labels, rows of a sequence in order); --columns seq=COLUMN names another column',
  ),
} as const;
