// One float32 input sample as the latency and profiling runners take it: checked against its dims, repeated to fill a batch.

import { WhittleError } from '@whittle/datasets';

/** Throw unless `sample` holds exactly the values `dims` describe; `where` says which measurement, e.g. "profiling 'model.onnx'". */
export function checkSample(sample: Float32Array, dims: readonly number[], where: string): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (sample.length !== expected) {
    throw new WhittleError('INVALID_ARGUMENT', `Argument 'sample' for ${where} must hold ${expected} values for dims [${dims.join(', ')}]; got ${sample.length}`);
  }
}

/** `sample` repeated `times` times back to back: a batch of identical rows. */
export function tileSample(sample: Float32Array, times: number): Float32Array {
  const out = new Float32Array(sample.length * times);
  for (let i = 0; i < times; i++) out.set(sample, i * sample.length);
  return out;
}
