/** The E-step strategy and the one-sentence reason for each latent structure. */
import type { LatentFacts, LatentStructure } from '../analysis/structure-report.js';
import type { RandomVariable } from '../graph/model-graph.js';
import type { EStepStrategy } from './inference-plan.js';

export const strategyOf: Readonly<Record<LatentStructure, EStepStrategy>> = {
  'finite-independent': 'enumerate',
  'discrete-chain': 'forward-backward',
  'linear-gaussian': 'gaussian',
  'missing-gaussian': 'missing-gaussian',
  conjugate: 'conjugate',
  'mean-field': 'mean-field',
  variational: 'variational',
};

function itemText(v: RandomVariable): string {
  const idx = v.plates.map((p) => `[${p.index}]`).join('');
  return `${v.name}${idx}`;
}

export function latentReason(facts: LatentFacts, v: RandomVariable): string {
  const item = itemText(v);
  const across = facts.plates.length > 0 ? `, independent across ${facts.plates.join(', ')}` : '';
  switch (facts.structure) {
    case 'finite-independent':
      return facts.jointWith.length > 0
        ? `finite latent ${item} with ${facts.states} states, enumerated jointly with ${facts.jointWith.join(', ')} (product space)${across}: responsibilities by enumeration`
        : `finite latent ${item} with ${facts.states} states${across}: responsibilities by enumeration`;
    case 'discrete-chain':
      return `discrete chain ${item} with ${facts.states} states along ${facts.chain?.along ?? '?'}${facts.chain?.ragged ? ' over ragged sequences' : ''}: smoothed marginals by forward–backward`;
    case 'linear-gaussian':
      return facts.chain
        ? `linear-Gaussian chain ${item} along ${facts.chain.along}: Gaussian posterior by Kalman smoothing`
        : `continuous latent ${item} with a Gaussian prior and Gaussian children affine in it: Gaussian posterior in closed form`;
    case 'missing-gaussian':
      return `missing entries of Gaussian data ${item} are latent: conditional Gaussian given the observed entries`;
    case 'conjugate':
      return `continuous latent ${item} with a conjugate posterior${across}: posterior expectations in closed form`;
    case 'mean-field':
      return facts.approximation
        ? `${facts.approximation.why}: approximate (mean-field variational EM)`
        : `conjugate-exponential latent ${item} interacting with other latents: mean-field variational EM with closed-form coordinate updates (approximate)`;
    case 'variational':
      return facts.approximation
        ? `${facts.approximation.why}: variational EM with a Gaussian family (approximate)`
        : `no exact E-step for ${item}: variational EM (approximate)`;
  }
}

export function posteriorsOf(facts: LatentFacts, v: RandomVariable): string[] {
  const item = itemText(v);
  switch (strategyOf[facts.structure]) {
    case 'enumerate':
      return [`q(${v.name})${item.slice(v.name.length)}[k] = p(${item} = k | data)`];
    case 'forward-backward':
      return [
        `γ = p(${item} = k | data)`,
        `ξ = p(${v.name} at ${facts.chain?.along ?? 't'}−1 = j, ${item} = k | data)`,
      ];
    case 'gaussian':
    case 'missing-gaussian':
      return [`E[${item}]`, `E[${item} ${item}ᵀ]`];
    case 'conjugate':
      return [`E[${item}]`, `E[log ${item}]`];
    case 'mean-field':
    case 'variational':
      return [`q(${item}) ≈ p(${item} | data)`];
  }
}
