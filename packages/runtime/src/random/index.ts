/** The runtime's seeded random streams and the samplers built on them. */
export * from './continuous.js';
export * from './discrete.js';
export * from './stream.js';
