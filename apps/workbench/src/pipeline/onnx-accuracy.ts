// Run an in-memory ONNX classifier on a feature split with onnxruntime-node: its logits, and its top-1 accuracy.

import * as ort from 'onnxruntime-node';
import type { FeatureSet } from '@whittle/datasets';
import { accuracy, argmaxRows, DEFAULT_ONNX_IO, onnxLogits as sessionLogits } from '@whittle/eval';

/** Logits of every row of `set` (count x numClasses), 256 rows per run on one thread. */
export async function onnxLogits(bytes: Uint8Array, set: FeatureSet, numClasses: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    return await sessionLogits(session, '<in-memory model>', set, { ...DEFAULT_ONNX_IO, numClasses, batchSize: 256 });
  } finally {
    await session.release();
  }
}

/** Top-1 accuracy in [0, 1] of the model in `bytes` on `set`. */
export async function onnxAccuracy(bytes: Uint8Array, set: FeatureSet, numClasses: number): Promise<number> {
  return accuracy(argmaxRows(await onnxLogits(bytes, set, numClasses), numClasses), set.labels);
}
