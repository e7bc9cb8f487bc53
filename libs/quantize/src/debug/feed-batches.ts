// Calibration-style feeds gathered into onnxruntime input batches once, so several models can run on exactly the same data.

import * as ort from 'onnxruntime-node';
import { UnsupportedError, WhittleError } from '@whittle/datasets';
import type { CalibrationFeed } from '../calibrate/collect-min-max.ts';

/** One onnxruntime run's inputs, and how many samples (batch rows) they hold. */
export interface FeedBatch {
  readonly inputs: Readonly<Record<string, ort.Tensor>>;
  readonly samples: number;
}

/**
 * Concatenate consecutive feeds along the batch axis, up to `batchSize` feeds per run; a feed whose
 * non-batch dims differ from the previous one starts a new batch. Throws if a feed has the wrong inputs.
 */
export async function batchFeeds(feeds: AsyncIterable<CalibrationFeed> | Iterable<CalibrationFeed>, inputNames: readonly string[], batchSize: number, caller: string): Promise<FeedBatch[]> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new WhittleError('INVALID_ARGUMENT', `Argument 'batchSize' passed to '${caller}' must be a positive integer; got ${batchSize}`);
  const batches: FeedBatch[] = [];
  let pending: CalibrationFeed[] = [];
  let pendingKey = '';
  const flush = (): void => {
    if (pending.length === 0) return;
    const inputs: Record<string, ort.Tensor> = {};
    let samples = 0;
    for (const name of inputNames) {
      const parts = pending.map((f) => f[name] as { data: Float32Array; dims: readonly number[] });
      const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
      let offset = 0;
      for (const p of parts) {
        data.set(p.data, offset);
        offset += p.data.length;
      }
      samples = parts.reduce((n, p) => n + (p.dims[0] ?? 1), 0);
      inputs[name] = new ort.Tensor('float32', data, [samples, ...(parts[0] as { dims: readonly number[] }).dims.slice(1)]);
    }
    batches.push({ inputs, samples });
    pending = [];
  };
  for await (const feed of feeds) {
    const names = Object.keys(feed);
    if (names.length !== inputNames.length || !inputNames.every((n) => names.includes(n))) {
      throw new WhittleError('INVALID_ARGUMENT', `Feed passed to '${caller}' has inputs [${names.join(', ')}]; the model expects [${inputNames.join(', ')}]`);
    }
    const key = inputNames.map((n) => feed[n]?.dims.slice(1).join('x')).join('|');
    if (pending.length >= batchSize || (pending.length > 0 && key !== pendingKey)) flush();
    pendingKey = key;
    pending.push(feed);
  }
  flush();
  if (batches.length === 0) throw new WhittleError('INVALID_ARGUMENT', `'${caller}' received no feeds`, { hint: 'pass an iterable that yields at least one feed' });
  return batches;
}

/** The float32 values of each fetched tensor of one run. */
export async function runFetches(session: ort.InferenceSession, batch: FeedBatch, fetches: readonly string[]): Promise<Map<string, Float32Array>> {
  const results = await session.run(batch.inputs, [...fetches]);
  const out = new Map<string, Float32Array>();
  for (const name of fetches) {
    const tensor = results[name] as ort.Tensor;
    if (tensor.type !== 'float32') throw new UnsupportedError(`Tensor '${name}' is ${tensor.type}; the quantization report compares float32 tensors only`);
    out.set(name, tensor.data as Float32Array);
  }
  return out;
}
