/** Catalogue band 2xxx: semantic errors and warnings found by the compiler's check phase. */
import { message } from './message.js';

export const checkMessages = {
  // Entries are added by the checker work; each is `name: message<Args>('E2xxx', title, text, hint?)`.
} as const;
