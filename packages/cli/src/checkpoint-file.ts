/**
 * The checkpoint file of `emforge fit --checkpoint FILE` / `--resume FILE`: the EM driver's
 * saved state (em-driver.ts, numbers kept bit for bit by em-checkpoint.ts), the fit options it
 * was made with, how often it is saved, and SHA-256 hashes of the lowered program and of the
 * bound data, so that a resume with another model or other data (or other sizes) is refused.
 * The file is written atomically and durably: a temporary file in the same directory, flushed
 * to disk, then renamed over the old one, so a process killed at any moment leaves either the
 * previous checkpoint or the new one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type BoundData,
  decodeState,
  type EmFitOptions,
  type EmSavedState,
  type EncodedState,
  encodeState,
  type Program,
} from '@emforge/runtime';
import { errorMessage } from './internal-error.js';

export interface CheckpointFile {
  readonly format: 'emforge-checkpoint';
  readonly version: 1;
  readonly model: string;
  /** SHA-256 of the lowered program and of the bound data (values, missing flags, sizes). */
  readonly modelHash: string;
  readonly dataHash: string;
  /** The fit options (without callbacks), encoded like the state. */
  readonly options: EncodedState;
  /** Iterations between two saves. */
  readonly every: number;
  readonly savedAt: string;
  readonly state: EmSavedState;
}

export interface Fingerprint {
  readonly model: string;
  readonly modelHash: string;
  readonly dataHash: string;
}

/** node:crypto's createHash, loaded when a checkpoint is made or read (not at every command's start). */
const createHash = (algorithm: string) =>
  (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).createHash(algorithm);

/** The hashes a checkpoint is tied to. */
export function fingerprintOf(program: Program, data: BoundData): Fingerprint {
  const model = createHash('sha256').update(JSON.stringify(program)).digest('hex');
  const hash = createHash('sha256');
  const bytes = (a: ArrayBufferView) => hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  hash.update(JSON.stringify({ sizes: data.sizes, raggedSizes: data.raggedSizes }));
  for (const name of Object.keys(data.variables).sort()) {
    const v = data.variables[name]!;
    hash.update(`\0${name}:${v.shape.join('x')}:${v.itemSize}:`);
    bytes(v.values);
    if (v.missing) bytes(v.missing);
    if (v.offsets) bytes(v.offsets);
  }
  return { model: program.model, modelHash: model, dataHash: hash.digest('hex') };
}

/** The fit options that go into a checkpoint: everything but the callbacks and the checkpoint itself. */
export function savedOptions(options: EmFitOptions): EncodedState {
  const { onIteration: _i, checkpoint: _c, resume: _r, ...rest } = options;
  return encodeState(rest, 'options');
}

export function restoredOptions(file: CheckpointFile): EmFitOptions {
  return decodeState(file.options, 'options') as EmFitOptions;
}

/** Writes `text` to `path` atomically and durably (temporary file, fsync, rename). */
export function writeDurably(path: string, text: string): void {
  const temp = join(dirname(path), `.${process.pid}.checkpoint.emforge-tmp`);
  try {
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export function writeCheckpoint(path: string, file: CheckpointFile): void {
  writeDurably(path, `${JSON.stringify(file)}\n`);
}

/** The checkpoint at `path`, or a message saying why it cannot be used. */
export function readCheckpoint(path: string): { value?: CheckpointFile; problem?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { problem: `--resume ${path}: cannot read the file: ${errorMessage(error)}` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { problem: `--resume ${path}: not valid JSON: ${errorMessage(error)}` };
  }
  const file = raw as Partial<CheckpointFile> | null;
  if (typeof file !== 'object' || file === null || file.format !== 'emforge-checkpoint' || file.version !== 1) {
    return { problem: `--resume ${path}: not an emforge checkpoint (of version 1)` };
  }
  return { value: file as CheckpointFile };
}

/** Why the checkpoint cannot continue this fit (another model or other data), or undefined. */
export function fingerprintProblem(path: string, file: CheckpointFile, now: Fingerprint): string | undefined {
  if (file.modelHash !== now.modelHash) {
    return `--resume ${path}: the checkpoint was made for another model ('${file.model}', or a different version of it); resume with the model it was made with`;
  }
  if (file.dataHash !== now.dataHash) {
    return `--resume ${path}: the checkpoint was made with other data (or other --size values); resume with the data it was made with`;
  }
  return undefined;
}
