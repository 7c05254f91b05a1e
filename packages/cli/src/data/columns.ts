/**
 * `--columns NAME=COL,COL,…`: which columns of a CSV file (or keys of an NDJSON line) hold a
 * data variable, for files whose column names are not the model's (`--columns
 * x=waiting,eruptions` reads `x[n]` as the pair of cells in those two columns, in that order).
 * With a mapping, columns no variable takes are ignored; variables it does not name are read by
 * the usual naming rules.
 */
import { InvalidArgumentError } from 'commander';

/** Data variable (or `seq`, the sequence column of a long CSV file) → its columns, in entry order. */
export type ColumnMap = Readonly<Record<string, readonly string[]>>;

const mappingPattern = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/;

/**
 * Parses one `--columns` value (the option is repeatable) into the accumulated map; throws
 * commander's `InvalidArgumentError` (a usage error, exit 2) on a malformed value.
 */
export function parseColumnsOption(value: string, previous: ColumnMap = {}): ColumnMap {
  const match = mappingPattern.exec(value.trim());
  const columns = match?.[2]?.split(',').map((c) => c.trim()) ?? [];
  if (!match || columns.some((c) => c === ''))
    throw new InvalidArgumentError(`expected NAME=COLUMN[,COLUMN…] (like x=waiting,eruptions), not '${value}'`);
  const name = match[1] as string;
  if (name in previous) throw new InvalidArgumentError(`--columns gives '${name}' twice`);
  return { ...previous, [name]: columns };
}
