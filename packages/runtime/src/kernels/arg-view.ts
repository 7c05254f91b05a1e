/**
 * `ArgView`: how a kernel reads one argument (or the child value) of a factor for item i —
 * `values[offset + i * step + j]` for entry j of `size`. A param element or a constant has
 * step 0 (the same for every item); a data variable at the item index has step = its item size.
 * Views are built once per fit; params are updated in place, so views stay valid across iterations.
 */

export interface ArgView {
  readonly values: Float64Array;
  readonly offset: number;
  /** Entries between consecutive items; 0 when the value does not depend on the item. */
  readonly step: number;
  /** Entries of one value (1 for a scalar, D for a vector, D·D for a matrix). */
  readonly size: number;
}

export function constantView(values: Float64Array): ArgView {
  return { values, offset: 0, step: 0, size: values.length };
}

/** Scratch space shared by the kernels of one fit, sized for the largest event. */
export interface KernelWork {
  /** shape [d, d]: a Cholesky factor. */
  readonly chol: Float64Array;
  /** shape [d]: a residual. */
  readonly vec: Float64Array;
}

export function makeKernelWork(maxDim: number): KernelWork {
  return { chol: new Float64Array(maxDim * maxDim), vec: new Float64Array(maxDim) };
}
