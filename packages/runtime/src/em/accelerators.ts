/**
 * Steppers: how the driver gets from one iterate to the next. `none` is one EM map (M-step,
 * then E-step); `squarem` is one SQUAREM cycle (Varadhan & Roland 2008, scheme SqS3, with the
 * step-length bounds of the R package SQUAREM): two EM maps θ1 = F(θ0), θ2 = F(θ1) in an
 * unconstrained parameterisation u, r = u1 − u0, v = u2 − 2u1 + u0, α = ‖r‖ / ‖v‖ clipped to
 * [1, αmax], u' = u0 + 2αr + α²v, then one stabilising EM map θ'' = F(θ'). The cycle falls back
 * to θ2 when θ' cannot be mapped back (a non-finite value), or θ'' is not finite or lowers the
 * objective below θ0's — so the accelerated run is as monotone as plain EM. αmax grows ×4
 * each time α hits it and shrinks ×4 (not below 1) after a fallback at αmax.
 */
import type { EmHooks, EmStepContext, EStepResult } from './em-driver.js';

export type Accelerator = 'none' | 'squarem';

export interface StepState<P, S> {
  readonly params: P;
  readonly stats: S;
  readonly objective: number;
}

export interface StepResult<P, S> extends StepState<P, S> {
  /** EM maps (M-steps) spent in this step. */
  readonly emSteps: number;
}

/** One step of a run; created per run, so it may keep state (SQUAREM's αmax). */
export interface Stepper<P, S> {
  (state: StepState<P, S>, ctx: EmStepContext): StepResult<P, S>;
  /** The state kept between steps, for checkpoints (absent: none). */
  save?(): number;
  /** Restores what `save` returned. */
  load?(saved: number): void;
}

type EStep<P, S> = (params: P) => EStepResult<S>;

function plainStepper<P, S>(hooks: EmHooks<P, S>, eStep: EStep<P, S>): Stepper<P, S> {
  return (state, ctx) => {
    const params = hooks.mStep(state.stats, ctx);
    return { params, ...eStep(params), emSteps: 1 };
  };
}

const STEP_FACTOR = 4;

function squaremStepper<P, S>(hooks: EmHooks<P, S>, eStep: EStep<P, S>): Stepper<P, S> {
  const { unconstrain, constrain } = hooks;
  if (!unconstrain || !constrain) throw new Error('squarem needs the unconstrain and constrain hooks');
  let stepMax = 1;
  const stepper: Stepper<P, S> = (state, ctx) => {
    const p1 = hooks.mStep(state.stats, ctx);
    const e1 = eStep(p1);
    const p2 = hooks.mStep(e1.stats, ctx);
    const e2 = eStep(p2);
    const fallback = (emSteps: number): StepResult<P, S> => ({ params: p2, ...eStep(p2), emSteps });
    const u0 = unconstrain(state.params);
    const u1 = unconstrain(p1);
    const u2 = unconstrain(p2);
    let rr = 0;
    let vv = 0;
    for (let j = 0; j < u0.length; j++) {
      const r = u1[j]! - u0[j]!;
      const v = u2[j]! - 2 * u1[j]! + u0[j]!;
      rr += r * r;
      vv += v * v;
    }
    if (!(vv > 0) || !Number.isFinite(rr + vv)) return { params: p2, ...e2, emSteps: 2 };
    const alpha = Math.min(stepMax, Math.max(1, Math.sqrt(rr / vv)));
    const u = new Float64Array(u0.length);
    for (let j = 0; j < u.length; j++) {
      const r = u1[j]! - u0[j]!;
      const v = u2[j]! - 2 * u1[j]! + u0[j]!;
      u[j] = u0[j]! + 2 * alpha * r + alpha * alpha * v;
    }
    const extrapolated = constrain(u);
    if (extrapolated === undefined) return fallback(2);
    const eExtrapolated = eStep(extrapolated);
    if (!Number.isFinite(eExtrapolated.objective)) return fallback(2);
    const p3 = hooks.mStep(eExtrapolated.stats, ctx);
    const e3 = eStep(p3);
    if (!Number.isFinite(e3.objective) || e3.objective < state.objective) {
      if (alpha === stepMax) stepMax = Math.max(1, stepMax / STEP_FACTOR);
      return fallback(3);
    }
    if (alpha === stepMax) stepMax *= STEP_FACTOR;
    return { params: p3, ...e3, emSteps: 3 };
  };
  stepper.save = () => stepMax;
  stepper.load = (saved) => {
    stepMax = saved;
  };
  return stepper;
}

/** The steppers by name. */
export const accelerators: Readonly<
  Record<Accelerator, <P, S>(hooks: EmHooks<P, S>, eStep: EStep<P, S>) => Stepper<P, S>>
> = {
  none: plainStepper,
  squarem: squaremStepper,
};

export function isAccelerator(name: string): name is Accelerator {
  return Object.hasOwn(accelerators, name);
}
