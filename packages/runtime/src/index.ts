/** @emforge/runtime — distributions, numeric kernels and the EM driver. Never imports dsl or compiler. */
export const runtimeVersion = '0.1.0';
