/**
 * The exit codes of every `emforge` command. 0, 1 and 2 are the contract of DESIGN.md; 70
 * (EX_SOFTWARE from sysexits.h) marks a bug in emforge itself, so scripts can tell "your model
 * is wrong" from "emforge is wrong".
 */
export const ExitCode = {
  /** Success; warnings may have been printed. */
  ok: 0,
  /** A model, data or input error: a diagnostic was printed, no stack trace. */
  userError: 1,
  /** Bad command line: unknown command or option, missing argument. */
  usage: 2,
  /** An internal error (a broken invariant in emforge): "internal error, please report". */
  internal: 70,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
