/**
 * The exact objective of any program at given params — the `objectiveAt(values)` hook the
 * standard errors differentiate. Each executor already computes it in its E-step (the
 * observed-data log-likelihood, plus the log prior for MAP); this binds a fresh copy of the
 * executor's model to the data, so the fit's own state (its posteriors) is left untouched and
 * the executors' fitting code is not changed. Always the soft E-step, whatever the variant.
 */
import { eStepChain, prepareChain } from '../chain/chain.js';
import type { BoundData } from '../data/bind-data.js';
import { eStepMixture, type ParamValues, prepareMixture } from '../em/mixture.js';
import type { Program } from '../em/program.js';
import { eStepChain as eStepKalman, prepareChainModel } from '../linear-gaussian/chain-model.js';
import { eStepFactor, prepareFactorModel } from '../linear-gaussian/factor-model.js';
import { eStepMissing, prepareMissing } from '../missing/missing-gaussian.js';
import { prepareScaleMixture } from '../scale-mixture/bind-scale-mixture.js';
import { eStepScaleMixture } from '../scale-mixture/scale-mixture-e-step.js';

/** The objective at `values` (every param present), or undefined for a program kind without one. */
export function objectiveEvaluator(program: Program, data: BoundData): ((values: ParamValues) => number) | undefined {
  switch (program.kind) {
    case undefined:
    case 'mixture': {
      const mix = prepareMixture(program, data);
      return (values) => eStepMixture(mix, values).objective;
    }
    case 'chain': {
      const chain = prepareChain(program, data);
      return (values) => eStepChain(chain, values).objective;
    }
    case 'linear-gaussian': {
      if (program.form === 'factor') {
        const model = prepareFactorModel(program, data);
        return (values) => eStepFactor(model, values).objective;
      }
      const model = prepareChainModel(program, data);
      return (values) => eStepKalman(model, values).objective;
    }
    case 'missing-gaussian': {
      const model = prepareMissing(program, data);
      return (values) => eStepMissing(model, values).objective;
    }
    case 'scale-mixture': {
      const model = prepareScaleMixture(program, data);
      return (values) => eStepScaleMixture(model, values).objective;
    }
    default:
      return undefined;
  }
}
