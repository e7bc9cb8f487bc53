// What can be evaluated: an ONNX file to run, or logits some other runtime already produced.

/**
 * One variant of a model. `precomputed` covers runtimes eval does not host (e.g. tfjs logits saved
 * by training); its size is whatever the caller says its artifact weighs, and it has no latency.
 */
export type VariantSpec =
  | { readonly id: string; readonly kind: 'onnx'; readonly path: string; readonly description?: string }
  | { readonly id: string; readonly kind: 'precomputed'; readonly logits: Float32Array; readonly sizeBytes: number; readonly description: string };
