/**
 * Catalogue band 4xxx: inference planning. A warning when part of a model cannot be handled
 * exactly and an approximate fallback is used; an error when no fallback covers it. Both name
 * the sub-expression, say why and (for the warning) which fallback runs.
 */
import { message } from './message.js';

export const planMessages = {
  approximateLatent: message<{ latent: string; at: string; why: string; fallback: string }>(
    'W4001',
    'a latent variable with no exact E-step: an approximate fallback is used',
    (a) => `latent '${a.latent}' has no exact E-step at '${a.at}': ${a.why}; using ${a.fallback}`,
    () =>
      'the fit maximises a lower bound (an ELBO), not the likelihood itself; rewrite with a conjugate or linear-Gaussian form for exact EM',
  ),
  uncoveredLatent: message<{ latent: string; at: string; why: string }>(
    'E4001',
    'a latent variable that neither exact nor approximate inference covers',
    (a) => `latent '${a.latent}' cannot be inferred at '${a.at}': ${a.why}, and no fallback covers it`,
    () => 'give it a finite support (cat[K]) to enumerate it, or make it continuous so that variational EM applies',
  ),
} as const;
