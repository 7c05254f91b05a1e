/** The discrete-chain (HMM) executor: the program type, forward–backward and Viterbi, init, M-step and fit. */
export * from './chain.js';
export * from './chain-init.js';
export * from './chain-m-step.js';
export * from './chain-program.js';
// The specialised path's recognition, kernels and arena layout, for generated fitters (`emforge compile`) that drive them.
export { type FastChainModel, recognizeFastChain } from './fast-chain.js';
export { categoricalChainBlock, gaussianChainBlock } from './fast-chain-blocks.js';
export {
  type ChainShape,
  DESC_DATA,
  DESC_E,
  DESC_K,
  DESC_MAX_LEN,
  DESC_PARAMS,
  DESC_SEQUENCES,
  DESC_START,
  DESC_WORDS,
  emissionParamSize,
  scratchSize,
  sequencesPerBlock,
  statSize,
} from './fast-chain-layout.js';
export * from './fit-chain.js';
export * from './forward-backward.js';
export * from './sample-chain.js';
