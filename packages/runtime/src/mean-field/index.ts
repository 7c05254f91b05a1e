/** Mean-field variational EM (LDA): program, binding and E-step, M-step, fit. */
export * from './fit-mean-field.js';
export * from './lda-m-step.js';
export * from './lda-model.js';
export * from './mean-field-program.js';
export * from './sample-lda.js';
