// Calibration pass shared by every method: run the fp32 model on onnxruntime and hand each planned activation's values to a callback.

import * as ort from 'onnxruntime-node';
import { WhittleError } from '@whittle/datasets';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { withGraphOutputs } from '../onnx/with-graph-outputs.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import { planQdq } from '../quantize/qdq-plan.ts';
import { feedBatches } from './feed-batches.ts';

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
  const threads = options.threads ?? 1;
  const { graph } = model;
  const inputNames = graph.inputs.map((i) => i.name);
  const batches = feedBatches(feeds, inputNames, options.batchSize ?? 32, caller, 'Calibration feed');
  const plan = planQdq(graph);
  const fromFeeds = plan.calibrated.filter((t) => inputNames.includes(t));
  const fetches = plan.calibrated.filter((t) => !inputNames.includes(t));

  let samples = 0;
  const session = await ort.InferenceSession.create(encodeOnnxModel(withGraphOutputs(model, fetches)), { intraOpNumThreads: threads, interOpNumThreads: 1 });
  try {
    for await (const { inputs, samples: rows } of batches) {
      samples += rows;
      for (const name of fromFeeds) onValues(name, inputs[name]?.data as Float32Array);
      if (fetches.length > 0) {
        const results = await session.run(inputs, fetches);
        for (const name of fetches) onValues(name, results[name]?.data as Float32Array);
      }
    }
  } finally {
    await session.release();
  }
  if (samples === 0) throw new WhittleError('INVALID_ARGUMENT', `${caller} received no calibration feeds`, { hint: 'pass an iterable that yields at least one feed' });
  return { samples, calibrated: plan.calibrated };
}
