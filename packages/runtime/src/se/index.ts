/** Standard errors from the observed information, for every program kind. */
export * from './fit-standard-errors.js';
export * from './hessian.js';
export * from './objective-at.js';
export * from './standard-errors.js';
export * from './transform-jacobian.js';
