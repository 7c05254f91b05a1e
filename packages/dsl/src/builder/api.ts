/** The public surface of the builder API, re-exported by the package index (the lowering key stays private). */
export { Distribution, dist } from './distributions.js';
export {
  cat,
  count,
  cov,
  ElementType,
  elementType,
  int,
  positive,
  prob,
  type RankOf,
  real,
  type ScalarTypeFunction,
  simplex,
  type TypeArg,
} from './element-types.js';
export { add, call, div, Expression, type ExprLike, fn, mul, neg, num, pow, sub, Term, vec } from './expressions.js';
export {
  type DimArg,
  type IndexArgs,
  LetHandle,
  type Minus,
  PlateIndex,
  type Plus,
  RaggedSizeHandle,
  SizeHandle,
  VarRef,
} from './handles.js';
export { ModelBuilder, model, type SampleTarget, type SizeHandles, type SizeSpec } from './model-builder.js';
