// Latency of ONNX models on onnxruntime-node: warm up, then time each session.run with performance.now().

import * as ort from 'onnxruntime-node';
import { WhittleError } from '@whittle/datasets';
import { summarizeLatency, type LatencyStats } from '../metrics/latency-stats.ts';
import { checkSample, tileSample } from './input-sample.ts';
import { DEFAULT_ONNX_IO, GRAPH_OPTIMIZATION_LEVELS, openOnnxSession, requireIo, type GraphOptimizationLevel } from './onnx-session.ts';

export interface LatencyOptions {
  readonly runs: number;
  readonly warmup: number;
  readonly threads: number;
  /** Graph input to feed; default 'input_values' (the transformers.js audio-classification name). */
  readonly inputName?: string;
  /** onnxruntime graph optimization level; default 'all'. */
  readonly optimization?: GraphOptimizationLevel;
}

function positiveInteger(value: number, what: string, where: string): void {
  if (!Number.isInteger(value) || value < 1) throw new WhittleError('INVALID_ARGUMENT', `Option '${what}' for ${where} must be a positive integer; got ${value}`);
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
  positiveInteger(runs, 'runs', `latency of '${path}'`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new WhittleError('INVALID_ARGUMENT', `Option 'warmup' for latency of '${path}' must be a non-negative integer; got ${warmup}`);
  checkSample(sample, dims, `latency of '${path}'`);
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
  const session = await openOnnxSession(path, options.threads, options.optimization === undefined ? {} : { optimization: options.optimization });
  try {
    return await timeSessionRuns(session, path, sample, dims, { runs: options.runs, warmup: options.warmup, inputName: options.inputName ?? DEFAULT_ONNX_IO.inputName });
  } finally {
    await session.release();
  }
}

/** One point of a latency sweep. */
export interface LatencyConfiguration {
  readonly batch: number;
  readonly threads: number;
  readonly optimization: GraphOptimizationLevel;
}

export interface LatencySweepOptions {
  /** Batch sizes; the one sample is repeated to fill each batch. */
  readonly batches: readonly number[];
  /** Intra-op thread counts. */
  readonly threads: readonly number[];
  /** Default ['all']. */
  readonly optimizations?: readonly GraphOptimizationLevel[];
  /** Timed runs per model and configuration. */
  readonly runs: number;
  /** Untimed runs per model and configuration before the first timed one. */
  readonly warmup: number;
  /** Timed runs per visit of a (model, configuration); visits are interleaved round-robin. Default 10. */
  readonly block?: number;
  readonly inputName?: string;
}

/** The latency of one model under one configuration. */
export interface LatencyMeasurement {
  readonly path: string;
  readonly config: LatencyConfiguration;
  /** Milliseconds per session.run (the whole batch). */
  readonly stats: LatencyStats;
  /** stats.p50 / batch: what one sample costs when it travels in this batch. */
  readonly p50PerSampleMs: number;
}

interface Slot {
  readonly path: string;
  readonly config: LatencyConfiguration;
  readonly session: ort.InferenceSession;
  readonly feeds: Record<string, ort.Tensor>;
  readonly samples: number[];
}

function checkSweep(paths: readonly string[], sample: Float32Array, sampleDims: readonly number[], o: LatencySweepOptions): readonly GraphOptimizationLevel[] {
  const where = "'measureOnnxLatencySweep'";
  if (paths.length === 0) throw new WhittleError('INVALID_ARGUMENT', `Argument 'paths' passed to ${where} must name at least one model`);
  if (o.batches.length === 0 || o.threads.length === 0) throw new WhittleError('INVALID_ARGUMENT', `Options 'batches' and 'threads' for ${where} must each list at least one value`);
  for (const b of o.batches) positiveInteger(b, 'batches', where);
  for (const t of o.threads) positiveInteger(t, 'threads', where);
  positiveInteger(o.runs, 'runs', where);
  positiveInteger(o.block ?? 10, 'block', where);
  if (!Number.isInteger(o.warmup) || o.warmup < 0) throw new WhittleError('INVALID_ARGUMENT', `Option 'warmup' for ${where} must be a non-negative integer; got ${o.warmup}`);
  const levels = o.optimizations ?? ['all'];
  for (const l of levels) {
    if (!GRAPH_OPTIMIZATION_LEVELS.includes(l)) throw new WhittleError('INVALID_ARGUMENT', `Option 'optimizations' for ${where} must hold values of ${GRAPH_OPTIMIZATION_LEVELS.join(', ')}; got '${String(l)}'`);
  }
  checkSample(sample, sampleDims, where);
  return levels;
}

/**
 * Latency of every model at every (optimization level, threads, batch), measured in one process and
 * interleaved: each round visits every (model, configuration) for `block` timed runs, so a burst of
 * noise from other processes lands on all variants alike instead of on whichever ran during it.
 * `sample` is one input without the batch axis (e.g. [98, 20]). Results come model by model, then
 * optimization, threads and batch in the order given.
 * @example await measureOnnxLatencySweep(['onnx/model.onnx', 'onnx/model_int8.onnx'], clip, [98, 20], { batches: [1, 32], threads: [1, 2], runs: 300, warmup: 30 })
 */
export async function measureOnnxLatencySweep(paths: readonly string[], sample: Float32Array, sampleDims: readonly number[], options: LatencySweepOptions): Promise<LatencyMeasurement[]> {
  const levels = checkSweep(paths, sample, sampleDims, options);
  const inputName = options.inputName ?? DEFAULT_ONNX_IO.inputName;
  const block = options.block ?? 10;
  const slots: Slot[] = [];
  const sessions: ort.InferenceSession[] = [];
  try {
    for (const path of paths) {
      for (const optimization of levels) {
        for (const threads of options.threads) {
          // One session per (model, level, threads) serves every batch size: the input's batch axis is dynamic.
          const session = await openOnnxSession(path, threads, { optimization });
          sessions.push(session);
          requireIo(path, 'input', inputName, session.inputNames);
          for (const batch of options.batches) {
            const feeds = { [inputName]: new ort.Tensor('float32', tileSample(sample, batch), [batch, ...sampleDims]) };
            for (let i = 0; i < options.warmup; i++) await session.run(feeds);
            slots.push({ path, config: { batch, threads, optimization }, session, feeds, samples: [] });
          }
        }
      }
    }
    for (let round = 0; slots.some((s) => s.samples.length < options.runs); round++) {
      // Alternate the visiting order so no variant always follows the same neighbour.
      const order = round % 2 === 0 ? slots : [...slots].reverse();
      for (const slot of order) {
        const n = Math.min(block, options.runs - slot.samples.length);
        if (n === 0) continue;
        // One untimed run per visit: the previous slot evicted this one's buffers from cache and its
        // thread pool may still be spinning; we want steady-state latency, not the switch.
        await slot.session.run(slot.feeds);
        for (let i = 0; i < n; i++) {
          const t0 = performance.now();
          await slot.session.run(slot.feeds);
          slot.samples.push(performance.now() - t0);
        }
      }
    }
  } finally {
    for (const session of sessions) await session.release();
  }
  return slots.map((s) => {
    const stats = summarizeLatency(s.samples);
    return { path: s.path, config: s.config, stats, p50PerSampleMs: stats.p50 / s.config.batch };
  });
}
