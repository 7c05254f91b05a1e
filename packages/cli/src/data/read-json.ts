/**
 * Reads a JSON data file: one object whose keys are the data (and size) names. A syntax error
 * becomes E6001 at its line and column; places are located by scanning the text on demand.
 */
import { dataMessages, makeDiagnostic, type SourceFile } from '@emforge/dsl';
import type { DataFilePlace, ReadData } from './data-reader.js';
import { findJsonSyntaxError, locateJsonValue } from './json-text.js';

export function readJsonData(file: SourceFile): ReadData {
  const text = file.text.charCodeAt(0) === 0xfeff ? ` ${file.text.slice(1)}` : file.text;
  const locate = (place?: DataFilePlace) => {
    const range = locateJsonValue(text, place ? [place.key, ...place.index] : []);
    return range ? file.span(range[0], range[1]) : undefined;
  };
  try {
    return { raw: JSON.parse(text) as unknown, diagnostics: [], locate };
  } catch {
    const error = findJsonSyntaxError(text) ?? { offset: 0, detail: 'the text cannot be parsed' };
    const span = file.span(error.offset, Math.min(error.offset + 1, text.length));
    return { diagnostics: [makeDiagnostic(dataMessages.jsonSyntax, span, { detail: error.detail })], locate };
  }
}
