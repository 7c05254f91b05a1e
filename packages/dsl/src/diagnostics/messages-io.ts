/** Catalogue band 0xxx: reading inputs (files that are missing, unreadable or not text). */
import { message } from './message.js';

/** Why a file could not be read; each reason has its own wording and advice. */
export type ReadProblem = 'missing' | 'directory' | 'not-utf8' | 'denied' | 'other';

const readProblemText: Record<ReadProblem, string> = {
  missing: 'no such file',
  directory: 'it is a directory, not a file',
  'not-utf8': 'it is not UTF-8 text',
  denied: 'permission denied',
  other: 'the file system reported an error',
};

const readProblemHint: Record<ReadProblem, (path: string) => string> = {
  missing: () => 'check the path; model files end in .em',
  directory: (path) => `pass the model file inside it, e.g. ${path.replace(/\/+$/, '')}/model.em`,
  'not-utf8': () => 'model files are plain text: save it with UTF-8 encoding',
  denied: () => 'check the file permissions',
  other: () => 'check the path; model files end in .em',
};

export const ioMessages = {
  cannotReadFile: message<{ path: string; problem: ReadProblem; detail?: string }>(
    'E0001',
    'a model file cannot be read',
    (a) => `cannot read '${a.path}': ${readProblemText[a.problem]}${a.detail ? ` (${a.detail})` : ''}`,
    (a) => readProblemHint[a.problem](a.path),
  ),
} as const;
