/**
 * The message catalogue: every diagnostic emforge can report, by code. Entries live in one
 * file per band (0xxx input, 1xxx syntax, 2xxx semantic, 3xxx graph, 4xxx planning, 5xxx
 * codegen, 6xxx data, 7xxx numerics) and are assembled here into one table.
 */
import type { MessageSpec } from './message.js';
import { checkMessages } from './messages-check.js';
import { dataMessages } from './messages-data.js';
import { graphMessages } from './messages-graph.js';
import { ioMessages } from './messages-io.js';
import { lowerMessages } from './messages-lower.js';
import { planMessages } from './messages-plan.js';
import { syntaxMessages } from './messages-syntax.js';

export type { ArgumentNeed, CoverageObstacle, DimConflict, NameKind } from './messages-check.js';
export { checkNotes } from './messages-check.js';
export type { DataPlaceArgs, FoundValue, SizeSource, SupportRule } from './messages-data.js';
export { checkMessages, dataMessages, graphMessages, ioMessages, lowerMessages, planMessages, syntaxMessages };

/** Every catalogue entry, keyed by code. Building it verifies that codes are unique. */
export const catalogue: ReadonlyMap<string, MessageSpec<never>> = (() => {
  const table = new Map<string, MessageSpec<never>>();
  const groups: Record<string, MessageSpec<never>>[] = [
    ioMessages,
    syntaxMessages,
    checkMessages,
    graphMessages,
    planMessages,
    lowerMessages,
    dataMessages,
  ];
  for (const group of groups) {
    for (const spec of Object.values(group)) {
      if (table.has(spec.code)) throw new Error(`duplicate message code ${spec.code}`);
      table.set(spec.code, spec);
    }
  }
  return table;
})();
