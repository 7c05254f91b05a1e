/**
 * Turns the runtime's data problems into diagnostics: each problem kind has its catalogue
 * entry (band 6xxx), and each problem is placed in the data file where a reader can find it.
 * The table is typed so that the compiler checks the catalogue's argument types against the
 * runtime's facts.
 */
import { type Diagnostic, dataMessages, type MessageSpec, makeDiagnostic, type Span } from '@emforge/dsl';
import type { DataProblem, DataProblemKind } from '@emforge/runtime';
import type { DataFilePlace } from './data-reader.js';

type ProblemOf<K extends DataProblemKind> = Extract<DataProblem, { kind: K }>;

const messageFor: { readonly [K in DataProblemKind]: MessageSpec<ProblemOf<K>> } = {
  notAnObject: dataMessages.notAnObject,
  missingVariable: dataMessages.missingVariable,
  unknownKey: dataMessages.unknownKey,
  wrongNesting: dataMessages.wrongNesting,
  lengthMismatch: dataMessages.lengthMismatch,
  notANumber: dataMessages.notANumber,
  missingValue: dataMessages.missingValue,
  notFinite: dataMessages.notFinite,
  outsideSupport: dataMessages.outsideSupport,
  notASimplex: dataMessages.notASimplex,
  notACovariance: dataMessages.notACovariance,
  sizeNotBound: dataMessages.sizeNotBound,
  sizeInvalid: dataMessages.sizeInvalid,
  sizeConflict: dataMessages.sizeConflict,
  unknownSize: dataMessages.unknownSize,
  moreProblems: dataMessages.moreProblems,
};

/** The place in the data file a problem is about; undefined for problems about the whole file. */
function placeOf(p: DataProblem): DataFilePlace | undefined | 'nowhere' {
  switch (p.kind) {
    case 'unknownKey':
      return { key: p.key, index: [] };
    case 'moreProblems':
      return { key: p.variable, index: [] };
    case 'missingVariable':
      return undefined;
    case 'sizeInvalid':
      return p.source.kind === 'file'
        ? { key: p.size, index: [] }
        : p.source.kind === 'array'
          ? { key: p.source.variable, index: p.source.index }
          : 'nowhere';
    case 'sizeConflict':
      return p.otherSource.kind === 'file' ? { key: p.size, index: [] } : 'nowhere';
    case 'unknownSize':
    case 'sizeNotBound':
      return 'nowhere';
    case 'notAnObject':
      return undefined;
    default:
      return { key: p.variable, index: p.index };
  }
}

/**
 * The diagnostic for one problem. `locate` finds a place in the data file (or, given nothing,
 * the whole data); problems from `--size` alone have no span.
 */
export function dataProblemDiagnostic(p: DataProblem, locate: (place?: DataFilePlace) => Span | undefined): Diagnostic {
  const place = placeOf(p);
  const span = place === 'nowhere' ? undefined : locate(place);
  return makeDiagnostic(messageFor[p.kind] as MessageSpec<DataProblem>, span, p);
}
