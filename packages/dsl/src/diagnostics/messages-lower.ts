/**
 * Catalogue band 5xxx: lowering a plan to something that runs (the runtime's FitProgram, later
 * generated code). An error when the plan is valid but the runtime cannot execute it yet; it
 * says exactly which part and why, so the user knows what is and is not supported.
 */
import { message } from './message.js';

export const lowerMessages = {
  unsupportedPlan: message<{ why: string }>(
    'E5001',
    'a valid plan that the runtime cannot execute yet',
    (a) => `this model's plan is not supported by the runtime yet: ${a.why}`,
    () =>
      'docs/inference.md lists what the runtime runs today; `emforge check` and `emforge explain` still work for this model',
  ),
} as const;
