// Logits of a whole feature set from an ONNX session, run in fixed-size batches.

import * as ort from 'onnxruntime-node';
import { BadFileError, type FeatureSet } from '@whittle/datasets';
import { requireIo } from './onnx-session.ts';

export interface OnnxLogitsOptions {
  readonly inputName: string;
  readonly outputName: string;
  readonly numClasses: number;
  /** Rows per session.run; bounded so a large test split never allocates one giant tensor. */
  readonly batchSize: number;
  /** Called after each batch with the rows done so far. */
  readonly onBatch?: (done: number) => void;
}

/** Row-major logits [set.count, numClasses], feeding `inputName` as float32 [n, frames, bins]. */
export async function onnxLogits(session: ort.InferenceSession, path: string, set: FeatureSet, options: OnnxLogitsOptions): Promise<Float32Array> {
  const { inputName, outputName, numClasses, batchSize } = options;
  requireIo(path, 'input', inputName, session.inputNames);
  requireIo(path, 'output', outputName, session.outputNames);
  const stride = set.frames * set.bins;
  const out = new Float32Array(set.count * numClasses);
  for (let start = 0; start < set.count; start += batchSize) {
    const n = Math.min(batchSize, set.count - start);
    const input = new ort.Tensor('float32', set.features.subarray(start * stride, (start + n) * stride), [n, set.frames, set.bins]);
    const result = await session.run({ [inputName]: input });
    const logits = result[outputName];
    if (logits === undefined || logits.type !== 'float32' || logits.dims.length !== 2 || logits.dims[0] !== n || logits.dims[1] !== numClasses) {
      throw new BadFileError(
        path,
        `output '${outputName}' must be float32 [${n}, ${numClasses}] for a batch of ${n}; got ${logits === undefined ? 'nothing' : `${logits.type} [${logits.dims.join(', ')}]`}`,
        'the class count of the model must match classNames',
      );
    }
    out.set(logits.data as Float32Array, start * numClasses);
    options.onBatch?.(start + n);
  }
  return out;
}
