// Batch-1 latency of an ONNX model: warm up, then time each session.run with performance.now().

import * as ort from 'onnxruntime-node';
import { WhittleError } from '@whittle/datasets';
import { summarizeLatency, type LatencyStats } from '../metrics/latency-stats.ts';
import { DEFAULT_ONNX_IO, openOnnxSession, requireIo } from './onnx-session.ts';

export interface LatencyOptions {
  readonly runs: number;
  readonly warmup: number;
  readonly threads: number;
  /** Graph input to feed; default 'input_values' (the transformers.js audio-classification name). */
  readonly inputName?: string;
}

/** Time `runs` runs of an open session on one fixed input, after `warmup` untimed runs. */
export async function timeSessionRuns(
  session: ort.InferenceSession,
  path: string,
  sample: Float32Array,
  dims: readonly number[],
  options: { runs: number; warmup: number; inputName: string },
): Promise<LatencyStats> {
  const { runs, warmup, inputName } = options;
  if (!Number.isInteger(runs) || runs < 1) throw new WhittleError('INVALID_ARGUMENT', `Option 'runs' for latency of '${path}' must be a positive integer; got ${runs}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new WhittleError('INVALID_ARGUMENT', `Option 'warmup' for latency of '${path}' must be a non-negative integer; got ${warmup}`);
  const expected = dims.reduce((a, b) => a * b, 1);
  if (sample.length !== expected) {
    throw new WhittleError('INVALID_ARGUMENT', `Argument 'sample' for latency of '${path}' must hold ${expected} values for dims [${dims.join(', ')}]; got ${sample.length}`);
  }
  requireIo(path, 'input', inputName, session.inputNames);
  // One tensor reused for every run: we time inference, not allocation of the input.
  const feeds = { [inputName]: new ort.Tensor('float32', sample, [...dims]) };
  for (let i = 0; i < warmup; i++) await session.run(feeds);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    samples.push(performance.now() - t0);
  }
  return summarizeLatency(samples);
}

/**
 * Latency in ms of the model at `path` on `sample` shaped `dims`, with `threads` intra-op threads.
 * @example await measureOnnxLatency('onnx/model.onnx', clip, [1, 98, 40], { runs: 100, warmup: 10, threads: 1 })
 */
export async function measureOnnxLatency(path: string, sample: Float32Array, dims: number[], options: LatencyOptions): Promise<LatencyStats> {
  const session = await openOnnxSession(path, options.threads);
  try {
    return await timeSessionRuns(session, path, sample, dims, { runs: options.runs, warmup: options.warmup, inputName: options.inputName ?? DEFAULT_ONNX_IO.inputName });
  } finally {
    await session.release();
  }
}
