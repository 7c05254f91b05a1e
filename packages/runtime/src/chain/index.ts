/** The discrete-chain (HMM) executor: the program type, forward–backward and Viterbi, init, M-step and fit. */
export * from './chain.js';
export * from './chain-init.js';
export * from './chain-m-step.js';
export * from './chain-program.js';
export * from './fit-chain.js';
export * from './forward-backward.js';
