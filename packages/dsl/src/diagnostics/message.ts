/**
 * How catalogue entries are declared. Each entry is a smart constructor: it fixes the code,
 * the severity and the wording, and takes the facts of one occurrence.
 */
import type { Diagnostic, RelatedInfo, Severity } from './diagnostic.js';
import type { Span } from './span.js';

export interface MessageSpec<A> {
  readonly code: string;
  readonly severity: Severity;
  /** One line summarising the message, for the catalogue listing (`emforge check --codes`). */
  readonly title: string;
  readonly text: (args: A) => string;
  readonly hint?: (args: A) => string | undefined;
}

export interface DiagnosticExtras {
  /** Overrides (or supplies) the hint, e.g. a "did you mean" found by the caller. */
  readonly hint?: string | undefined;
  readonly related?: readonly RelatedInfo[];
}

/** Declares a catalogue entry. `code` is `E####` for errors, `W####` for warnings. */
export function message<A>(
  code: string,
  title: string,
  text: (args: A) => string,
  hint?: (args: A) => string | undefined,
): MessageSpec<A> {
  const severity: Severity = code.startsWith('W') ? 'warning' : code.startsWith('N') ? 'note' : 'error';
  return hint ? { code, severity, title, text, hint } : { code, severity, title, text };
}

/** Builds one diagnostic from a catalogue entry. */
export function makeDiagnostic<A>(
  spec: MessageSpec<A>,
  span: Span | undefined,
  args: A,
  extras: DiagnosticExtras = {},
): Diagnostic {
  const hint = extras.hint ?? spec.hint?.(args);
  const d: { -readonly [P in keyof Diagnostic]: Diagnostic[P] } = {
    code: spec.code,
    severity: spec.severity,
    message: spec.text(args),
  };
  if (span) d.span = span;
  if (hint) d.hint = hint;
  if (extras.related && extras.related.length > 0) d.related = extras.related;
  return d;
}
