// Run an ONNX classifier on a feature split with onnxruntime-node: its logits, and its top-1 accuracy.

import * as ort from 'onnxruntime-node';
import type { FeatureSet } from '@whittle/datasets';
import { argmaxRows } from '@whittle/eval';
import { DEFAULT_EXPORT_CONFIG } from '@whittle/quantize';

/** Logits of every row of `set` (count x numClasses), in chunks of 256 rows on one thread. */
export async function onnxLogits(bytes: Uint8Array, set: FeatureSet, numClasses: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const out = new Float32Array(set.count * numClasses);
  const stride = set.frames * set.bins;
  try {
    for (let start = 0; start < set.count; start += 256) {
      const n = Math.min(256, set.count - start);
      const feeds = { [DEFAULT_EXPORT_CONFIG.inputName]: new ort.Tensor('float32', set.features.slice(start * stride, (start + n) * stride), [n, set.frames, set.bins]) };
      const result = await session.run(feeds);
      out.set(result[DEFAULT_EXPORT_CONFIG.outputName]?.data as Float32Array, start * numClasses);
    }
  } finally {
    await session.release();
  }
  return out;
}

/** Top-1 accuracy in [0, 1] of the model in `bytes` on `set`. */
export async function onnxAccuracy(bytes: Uint8Array, set: FeatureSet, numClasses: number): Promise<number> {
  const predicted = argmaxRows(await onnxLogits(bytes, set, numClasses), numClasses);
  let correct = 0;
  for (let i = 0; i < set.count; i++) if (predicted[i] === set.labels[i]) correct++;
  return set.count === 0 ? 0 : correct / set.count;
}
