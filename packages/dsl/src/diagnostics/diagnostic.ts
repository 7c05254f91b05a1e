/**
 * The one diagnostic type every phase reports with, and the result shape phases return.
 * Phases never throw for user errors; a broken invariant throws `InternalError`, which the
 * top level reports as a bug.
 */
import type { Span } from './span.js';

export type Severity = 'error' | 'warning' | 'note';

export interface RelatedInfo {
  readonly span: Span;
  readonly message: string;
}

export interface Diagnostic {
  /** Catalogue code such as `E2003` (errors) or `W2101` (warnings); the digits give the band. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** Where the problem is; absent only for problems with no source location (e.g. a file that cannot be read). */
  readonly span?: Span;
  readonly hint?: string;
  readonly related?: readonly RelatedInfo[];
}

/** What a phase returns: a value when it could produce one, and everything it has to say. */
export interface PhaseResult<T> {
  readonly value?: T;
  readonly diagnostics: readonly Diagnostic[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** A broken invariant inside emforge: never caused by the user's model or data. */
export class InternalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InternalError';
  }
}

/** Throws `InternalError` unless `condition` holds. */
export function verify(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InternalError(message);
}

/** Orders diagnostics by file, then position, then code, so output is stable. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.span?.file ?? '';
  const fb = b.span?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.span?.line ?? 0;
  const lb = b.span?.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.span?.col ?? 0;
  const cb = b.span?.col ?? 0;
  if (ca !== cb) return ca - cb;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}
