/** Catalogue band 1xxx: lexical and syntax errors (packages/dsl/src/syntax). */
import { message } from './message.js';

export const syntaxMessages = {
  // Entries are added by the parser work; each is `name: message<Args>('E1xxx', title, text, hint?)`.
} as const;
