/**
 * Where a streamed fit (fit-stream.ts) reads its rows from: a `RowSource` of n rows of d float64
 * entries, read a range at a time into a caller's buffer. `SpoolFile` is the one on disk: the
 * rows written once as raw float64 (native byte order) to a temporary file in `os.tmpdir()`, then
 * read back with positioned reads on every pass; it removes itself on `remove()` and, as a last
 * resort, when the process exits or is stopped by SIGINT, SIGTERM or SIGHUP. `memoryRows` serves rows already in memory (tests, the API).
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RowSource {
  /** Rows, and entries per row. */
  readonly n: number;
  readonly d: number;
  /** Copies rows [first, first + count) to `into` from f64 index `at`, row-major. */
  read(first: number, count: number, into: Float64Array, at: number): void;
}

/** Rows held in memory as one row-major Float64Array of n × d entries. */
export function memoryRows(values: Float64Array, n: number, d: number): RowSource {
  if (values.length !== n * d) throw new Error(`memoryRows: ${values.length} values for ${n} rows of ${d}`);
  return {
    n,
    d,
    read: (first, count, into, at) => into.set(values.subarray(first * d, (first + count) * d), at),
  };
}

/** Spool files not yet removed, unlinked when the process exits (normally or by an error). */
const live = new Set<SpoolFile>();
let exitHooked = false;
let signalsHooked = false;

function removeLiveSpools(): void {
  for (const spool of [...live]) spool.remove();
}

/**
 * On SIGINT, SIGTERM or SIGHUP (which skip 'exit'): remove the spools, then, when nothing else
 * handles the signal, raise it again so that the process ends as it would have.
 */
function onSignal(signal: NodeJS.Signals): void {
  removeLiveSpools();
  for (const s of stopSignals) process.removeListener(s, onSignal);
  signalsHooked = false;
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

const stopSignals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Rows spooled to a temporary binary file: write them with `append`, then read them as a `RowSource`. */
export class SpoolFile implements RowSource {
  readonly path: string;
  private fd: number | undefined;
  private rows = 0;

  /** Creates an empty spool for rows of `d` entries in `dir` (default `os.tmpdir()`). */
  constructor(
    readonly d: number,
    dir: string = tmpdir(),
  ) {
    const tag = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    this.path = join(dir, `emforge-spool-${tag}.f64`);
    this.fd = openSync(this.path, 'wx+', 0o600);
    live.add(this);
    if (!exitHooked) {
      exitHooked = true;
      process.on('exit', removeLiveSpools);
    }
    if (!signalsHooked) {
      signalsHooked = true;
      for (const s of stopSignals) process.on(s, onSignal);
    }
  }

  get n(): number {
    return this.rows;
  }

  /** Appends `count` rows: the first count × d entries of `values`. */
  append(values: Float64Array, count: number): void {
    const fd = this.open();
    const bytes = new Uint8Array(values.buffer, values.byteOffset, count * this.d * 8);
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, this.rows * this.d * 8 + done);
    this.rows += count;
  }

  read(first: number, count: number, into: Float64Array, at: number): void {
    if (first < 0 || first + count > this.rows)
      throw new Error(`spool: rows ${first}…${first + count} of ${this.rows}`);
    const fd = this.open();
    const bytes = new Uint8Array(into.buffer, into.byteOffset + at * 8, count * this.d * 8);
    let done = 0;
    while (done < bytes.length) {
      const read = readSync(fd, bytes, done, bytes.length - done, first * this.d * 8 + done);
      if (read === 0) throw new Error(`spool ${this.path}: the file ended early`);
      done += read;
    }
  }

  /** Closes and deletes the file (idempotent). */
  remove(): void {
    live.delete(this);
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } finally {
      try {
        unlinkSync(this.path);
      } catch {
        // Already gone.
      }
    }
  }

  private open(): number {
    if (this.fd === undefined) throw new Error(`spool ${this.path} was removed`);
    return this.fd;
  }
}
