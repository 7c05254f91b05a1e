/** Streamed fits: rows read from a spool file (or any `RowSource`) in chunks on every pass, never all in memory. */
export * from './fit-stream.js';
export * from './row-source.js';
