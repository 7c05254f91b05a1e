/**
 * What every data reader produces: the raw data as a JSON-like object (what `bindData` takes),
 * the problems found while reading, and a way to find a place of the data in the file so that
 * binding problems point at the offending entry.
 */
import type { Diagnostic, Span } from '@emforge/dsl';

/** A place in the data file: a key (a data or size name) and an index path inside its value. */
export interface DataFilePlace {
  readonly key: string;
  readonly index: readonly number[];
}

export interface ReadData {
  /** The parsed data, when the file could be read. */
  readonly raw?: unknown;
  readonly diagnostics: readonly Diagnostic[];
  /** The span of a place (or of the nearest enclosing one); the whole data when `place` is absent. */
  readonly locate: (place?: DataFilePlace) => Span | undefined;
}
