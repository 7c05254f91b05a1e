/** Catalogue band 0xxx: reading inputs (files that are missing, unreadable or not text). */
import { message } from './message.js';

export const ioMessages = {
  cannotReadFile: message<{ path: string; reason: string }>(
    'E0001',
    'a model file cannot be read',
    (a) => `cannot read '${a.path}': ${a.reason}`,
    () => 'check the path; model files end in .em',
  ),
} as const;
