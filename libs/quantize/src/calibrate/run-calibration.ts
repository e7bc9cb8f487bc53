// Calibration pass shared by every method: run the fp32 model on onnxruntime and hand each planned activation's values to a callback.

import * as ort from 'onnxruntime-node';
import { WhittleError } from '@whittle/datasets';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import { planQdq } from '../quantize/qdq-plan.ts';

/** One calibration input: graph input name -> float32 data with its dims (batch first). */
export type CalibrationFeed = Readonly<Record<string, { readonly data: Float32Array; readonly dims: readonly number[] }>>;

export interface CalibrationRunOptions {
  /** Feeds concatenated into one onnxruntime run (same non-batch dims); larger is faster, uses more memory. Default 32. */
  readonly batchSize?: number;
  /** onnxruntime intra-op threads. Default 1 (deterministic, and the pipeline runs stages side by side). */
  readonly threads?: number;
}

/** What a pass saw: the input rows, and the tensors (in plan order) whose values went to the callback. */
export interface CalibrationRun {
  readonly samples: number;
  readonly calibrated: readonly string[];
}

function concatFeeds(feeds: readonly CalibrationFeed[], names: readonly string[]): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const name of names) {
    const parts = feeds.map((f) => f[name] as { data: Float32Array; dims: readonly number[] });
    const first = parts[0] as { dims: readonly number[] };
    const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
    let offset = 0;
    for (const p of parts) {
      data.set(p.data, offset);
      offset += p.data.length;
    }
    out[name] = new ort.Tensor('float32', data, [parts.reduce((n, p) => n + (p.dims[0] as number), 0), ...first.dims.slice(1)]);
  }
  return out;
}

/** Feeds can share a run when every input has the same non-batch dims. */
function batchKey(feed: CalibrationFeed, names: readonly string[]): string {
  return names.map((n) => feed[n]?.dims.slice(1).join('x')).join('|');
}

/**
 * Run `model` on every feed (batched) and call `onValues(tensor, values)` with the values of each
 * activation quantizeStatic will quantize (planQdq decides, so calibration and quantization always
 * agree), once per run. Graph inputs in the plan are passed straight from the feeds; the others are
 * fetched by adding them as extra graph outputs. `values` is only valid during the call.
 * `caller` names the public function in error messages.
 *
 * @example
 * const peak = new Map<string, number>();
 * await runCalibration(model, feeds(), (t, v) => peak.set(t, Math.max(peak.get(t) ?? -Infinity, ...v)));
 */
export async function runCalibration(
  model: OnnxModel,
  feeds: AsyncIterable<CalibrationFeed> | Iterable<CalibrationFeed>,
  onValues: (tensor: string, values: Float32Array) => void,
  options: CalibrationRunOptions = {},
  caller = 'runCalibration',
): Promise<CalibrationRun> {
  const batchSize = options.batchSize ?? 32;
  const threads = options.threads ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new WhittleError('INVALID_ARGUMENT', `Argument 'batchSize' passed to '${caller}' must be a positive integer; got ${batchSize}`);
  const { graph } = model;
  const inputNames = graph.inputs.map((i) => i.name);
  const plan = planQdq(graph);
  const fromFeeds = plan.calibrated.filter((t) => inputNames.includes(t));
  const outputNames = new Set(graph.outputs.map((o) => o.name));
  const extra = plan.calibrated.filter((t) => !inputNames.includes(t) && !outputNames.has(t));
  const augmented: OnnxModel = {
    ...model,
    graph: { ...graph, outputs: [...graph.outputs, ...extra.map((name) => ({ name, elemType: 'float32' as const, shape: undefined }))] },
  };
  const fetches = plan.calibrated.filter((t) => !inputNames.includes(t));

  let samples = 0;
  const session = await ort.InferenceSession.create(encodeOnnxModel(augmented), { intraOpNumThreads: threads, interOpNumThreads: 1 });
  try {
    let pending: CalibrationFeed[] = [];
    let pendingKey = '';
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const inputs = concatFeeds(pending, inputNames);
      pending = [];
      for (const name of fromFeeds) onValues(name, inputs[name]?.data as Float32Array);
      if (fetches.length > 0) {
        const results = await session.run(inputs, fetches);
        for (const name of fetches) onValues(name, results[name]?.data as Float32Array);
      }
    };
    for await (const feed of feeds) {
      const names = Object.keys(feed);
      if (names.length !== inputNames.length || !inputNames.every((n) => names.includes(n))) {
        throw new WhittleError('INVALID_ARGUMENT', `Calibration feed has inputs [${names.join(', ')}]; the model expects [${inputNames.join(', ')}]`);
      }
      const key = batchKey(feed, inputNames);
      if (pending.length >= batchSize || (pending.length > 0 && key !== pendingKey)) await flush();
      pendingKey = key;
      pending.push(feed);
      samples += feed[inputNames[0] as string]?.dims[0] ?? 1;
    }
    await flush();
  } finally {
    await session.release();
  }
  if (samples === 0) throw new WhittleError('INVALID_ARGUMENT', `${caller} received no calibration feeds`, { hint: 'pass an iterable that yields at least one feed' });
  return { samples, calibrated: plan.calibrated };
}
