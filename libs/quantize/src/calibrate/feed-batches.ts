// Calibration feeds concatenated along the batch axis into onnxruntime input batches: the calibration pass and the quantization report both run on them.

import * as ort from 'onnxruntime-node';
import { WhittleError } from '@whittle/datasets';
import type { CalibrationFeed } from './run-calibration.ts';

/** One onnxruntime run's inputs, and how many samples (batch rows) they hold. */
export interface FeedBatch {
  readonly inputs: Readonly<Record<string, ort.Tensor>>;
  readonly samples: number;
}

type FeedTensor = CalibrationFeed[string];

/** Feeds can share a run when every input has the same non-batch dims. */
function batchKey(feed: CalibrationFeed, names: readonly string[]): string {
  return names.map((n) => feed[n]?.dims.slice(1).join('x')).join('|');
}

function concatFeeds(feeds: readonly CalibrationFeed[], names: readonly string[]): FeedBatch {
  const inputs: Record<string, ort.Tensor> = {};
  for (const name of names) {
    const parts = feeds.map((f) => f[name] as FeedTensor);
    const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
    let offset = 0;
    for (const p of parts) {
      data.set(p.data, offset);
      offset += p.data.length;
    }
    const rows = parts.reduce((n, p) => n + (p.dims[0] ?? 1), 0);
    inputs[name] = new ort.Tensor('float32', data, [rows, ...(parts[0] as FeedTensor).dims.slice(1)]);
  }
  const first = names[0];
  const samples = feeds.reduce((n, f) => n + ((first === undefined ? undefined : f[first]?.dims[0]) ?? 1), 0);
  return { inputs, samples };
}

async function* batches(feeds: AsyncIterable<CalibrationFeed> | Iterable<CalibrationFeed>, inputNames: readonly string[], batchSize: number, feedLabel: string): AsyncGenerator<FeedBatch> {
  let pending: CalibrationFeed[] = [];
  let pendingKey = '';
  for await (const feed of feeds) {
    const names = Object.keys(feed);
    if (names.length !== inputNames.length || !inputNames.every((n) => names.includes(n))) {
      throw new WhittleError('INVALID_ARGUMENT', `${feedLabel} has inputs [${names.join(', ')}]; the model expects [${inputNames.join(', ')}]`);
    }
    const key = batchKey(feed, inputNames);
    if (pending.length >= batchSize || (pending.length > 0 && key !== pendingKey)) {
      yield concatFeeds(pending, inputNames);
      pending = [];
    }
    pendingKey = key;
    pending.push(feed);
  }
  if (pending.length > 0) yield concatFeeds(pending, inputNames);
}

/**
 * Concatenate consecutive feeds along the batch axis, up to `batchSize` feeds per batch; a feed whose
 * non-batch dims differ from the previous one starts a new batch. Batches are produced as the feeds
 * arrive (a calibration set need not fit in memory at once). `batchSize` is checked at the call, a
 * feed with the wrong inputs throws when it is reached; no feeds at all yields nothing (the caller
 * says what that means). `caller` names the public function and `feedLabel` the feed in errors.
 *
 * @example
 * for await (const batch of feedBatches(feeds, ['input_values'], 32, 'collectRanges')) await session.run(batch.inputs);
 */
export function feedBatches(
  feeds: AsyncIterable<CalibrationFeed> | Iterable<CalibrationFeed>,
  inputNames: readonly string[],
  batchSize: number,
  caller: string,
  feedLabel = `Feed passed to '${caller}'`,
): AsyncGenerator<FeedBatch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new WhittleError('INVALID_ARGUMENT', `Argument 'batchSize' passed to '${caller}' must be a positive integer; got ${batchSize}`);
  return batches(feeds, inputNames, batchSize, feedLabel);
}
