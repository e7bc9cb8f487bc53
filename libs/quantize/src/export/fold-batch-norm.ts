// Batch-norm arithmetic: inference BN as a per-channel affine map, and that map folded into a conv/dense.

/** Inference-time batch norm: y = gamma * (x - mean) / sqrt(variance + epsilon) + beta. */
export interface BatchNormStatistics {
  /** Undefined when the layer has `scale: false` (gamma = 1). */
  readonly gamma: Float32Array | undefined;
  /** Undefined when the layer has `center: false` (beta = 0). */
  readonly beta: Float32Array | undefined;
  readonly movingMean: Float32Array;
  readonly movingVariance: Float32Array;
  readonly epsilon: number;
}

/** BN as y = scale * x + shift per channel, computed in float64 so folding adds no rounding of its own. */
export function batchNormAffine(bn: BatchNormStatistics): { scale: Float64Array; shift: Float64Array } {
  const channels = bn.movingMean.length;
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = (bn.gamma?.[c] ?? 1) / Math.sqrt((bn.movingVariance[c] as number) + bn.epsilon);
    shift[c] = (bn.beta?.[c] ?? 0) - (bn.movingMean[c] as number) * (scale[c] as number);
  }
  return { scale, shift };
}

/**
 * Fold y = scale * (W x + b) + shift into W' = scale * W (row c of a weight whose axis 0 is the
 * output channel) and b' = scale * b + shift. A missing bias counts as zeros.
 */
export function foldAffine(
  weight: Float32Array,
  bias: Float32Array | undefined,
  affine: { scale: Float64Array; shift: Float64Array },
): { weight: Float32Array; bias: Float32Array } {
  const channels = affine.scale.length;
  const perChannel = weight.length / channels;
  const folded = new Float32Array(weight.length);
  const newBias = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = affine.scale[c] as number;
    for (let k = c * perChannel; k < (c + 1) * perChannel; k++) folded[k] = (weight[k] as number) * s;
    newBias[c] = (bias?.[c] ?? 0) * s + (affine.shift[c] as number);
  }
  return { weight: folded, bias: newBias };
}
