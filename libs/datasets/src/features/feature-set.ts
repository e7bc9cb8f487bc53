// A labelled block of feature frames in one Float32Array: what training and evaluation consume.

/** `count` clips of `frames x bins` values each, row-major, with class indices and clip ids. */
export interface FeatureSet {
  readonly features: Float32Array;
  readonly frames: number;
  readonly bins: number;
  readonly count: number;
  readonly labels: Int32Array;
  readonly ids: readonly string[];
}

/** The rows `indices` of a set, copied into a new set (for splits and batches). */
export function selectRows(set: FeatureSet, indices: readonly number[]): FeatureSet {
  const stride = set.frames * set.bins;
  const features = new Float32Array(indices.length * stride);
  const labels = new Int32Array(indices.length);
  const ids: string[] = [];
  indices.forEach((row, i) => {
    features.set(set.features.subarray(row * stride, (row + 1) * stride), i * stride);
    labels[i] = set.labels[row] as number;
    ids.push(set.ids[row] as string);
  });
  return { features, frames: set.frames, bins: set.bins, count: indices.length, labels, ids };
}
