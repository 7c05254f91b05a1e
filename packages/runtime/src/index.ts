/** @emforge/runtime — distributions, numeric kernels and the EM driver. Never imports dsl or compiler. */
export * from './data/index.js';
export type * from './distributions/numerics.js';
export * from './distributions/registry.js';
export type * from './distributions/spec.js';
export * from './distributions/type-pattern.js';
export * from './math/index.js';
export * from './mstep/index.js';
export * from './random/index.js';

export const runtimeVersion = '0.1.0';
export * from './chain/index.js';
export * from './em/index.js';
export * from './fast/index.js';
export * from './linear-gaussian/index.js';
export * from './mean-field/index.js';
export * from './missing/index.js';
export * from './numeric/index.js';
export * from './parallel/index.js';
export * from './sample/index.js';
export * from './scale-mixture/index.js';
export * from './se/index.js';
export * from './stream/index.js';
export * from './variational/index.js';
