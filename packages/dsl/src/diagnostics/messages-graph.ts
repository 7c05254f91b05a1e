/**
 * Catalogue band 3xxx: problems found while building the model graph (the variables, the
 * factors and the dependencies between them).
 */
import { message } from './message.js';

export const graphMessages = {
  dependencyCycle: message<{ cycle: readonly string[] }>(
    'E3001',
    'variables that depend on each other in a cycle',
    (a) => `the distributions form a cycle: ${a.cycle.join(' depends on ')}`,
    () => 'a model must be a directed acyclic graph: make one of these variables depend only on earlier ones',
  ),
} as const;
