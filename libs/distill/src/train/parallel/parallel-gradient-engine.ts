// Data-parallel gradients: the main thread and `workers - 1` worker threads each take a contiguous shard of every batch.

import * as tf from '@tensorflow/tfjs';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '@whittle/datasets';
import { batchGradients, type BatchGradients, type GradientEngine, type TrainBatch } from '../batch-gradients.ts';
import type { TrainConfig } from '../train-config.ts';
import { GradientWorkerError } from './gradient-worker-error.ts';
import { shardSizes } from './shard-sizes.ts';
import { weightLayout, type WeightLayout } from './weight-layout.ts';
import { shardInputLayout, WORKER_BACKENDS, type StepRequest, type ModelTopology, type WorkerBackend, type WorkerInit, type WorkerReply } from './worker-protocol.ts';

export interface ParallelEngineOptions {
  /** The worker thread's module; default gradient-worker-entry.mjs beside this file. Tests swap in failing ones. */
  readonly workerEntry?: URL;
  /** Called after every step with where its time went, to see what keeps the speed-up below `workers`. */
  readonly onStep?: (timing: ParallelStepTiming) => void;
}

/** One step's wall times in milliseconds, measured on the main thread (worker compute times by the workers). */
export interface ParallelStepTiming {
  /** Since the previous step returned: the caller's optimizer update and next batch, while every worker idles. */
  readonly betweenSteps: number;
  /** Packing the weights and the shards into shared memory and posting the requests. */
  readonly broadcast: number;
  /** The main thread's own shard. */
  readonly main: number;
  /** Waiting for the workers after the main shard was done. */
  readonly wait: number;
  /** Each worker thread's own time for its shard (weights in, gradients out), by worker index − 1. */
  readonly workers: readonly number[];
  /** Averaging gradients and statistics into the returned tensors. */
  readonly combine: number;
}

interface Pending {
  resolve(reply: Extract<WorkerReply, { type: 'done' }>): void;
  reject(err: Error): void;
}

/** One worker thread and what the main thread keeps for it. */
interface WorkerSlot {
  readonly index: number;
  readonly thread: Worker;
  readonly output: Float32Array;
  input: SharedArrayBuffer | undefined;
  pending: Pending | undefined;
  /** Set once the thread failed; every later step rejects with it. */
  failed: GradientWorkerError | undefined;
  stopping: boolean;
}

const DEFAULT_ENTRY = new URL('./gradient-worker-entry.mjs', import.meta.url);

/**
 * A GradientEngine that splits every batch over `config.workers` threads: this one (worker 0, on `model` itself) and
 * `config.workers - 1` worker threads, each holding a copy of the model on the same tfjs backend. Each step broadcasts
 * all weights (moving statistics included), computes the shards concurrently and returns the row-weighted mean of the
 * shards' mean-loss gradients, which is the full batch's mean-loss gradient; loss is averaged the same way, hits summed.
 *
 * Batch normalisation: each shard normalises with its own batch statistics (like PyTorch DDP without SyncBatchNorm),
 * so with batch norm the gradients are not the single-thread ones, and the moving mean/variance are set to the
 * row-weighted mean of the shards' updates: the moving mean tracks the full batch exactly, the moving variance misses
 * the between-shard part. Without batch norm (and dropout, whose seeded masks are drawn per shard) results equal
 * `workers: 1` up to float32 rounding. Shards are fixed by row position, so a seed reproduces a run exactly.
 *
 * @example const engine = await parallelGradientEngine(model, model.trainableWeights.map((w) => w.read() as tf.Variable), config);
 */
export async function parallelGradientEngine(model: tf.LayersModel, variables: readonly tf.Variable[], config: TrainConfig, options: ParallelEngineOptions = {}): Promise<GradientEngine> {
  const backend = tf.getBackend();
  if (!WORKER_BACKENDS.includes(backend as WorkerBackend)) {
    throw new ConfigError(`'parallelGradientEngine' needs a backend a worker thread can load (${WORKER_BACKENDS.join(', ')}); the active one is '${backend}'`, 'train with workers: 1 on this backend');
  }
  const weightVariables = model.weights.map((w) => w.read() as tf.Variable);
  const notFloat = weightVariables.find((v) => v.dtype !== 'float32');
  if (notFloat !== undefined) {
    throw new ConfigError(`Weight '${notFloat.name}' of the model passed to 'parallelGradientEngine' must be float32 to be shared with workers; got ${notFloat.dtype}`);
  }
  const trainable = variables.map((v, i) => {
    const j = weightVariables.indexOf(v);
    if (j < 0) throw new ConfigError(`Variable ${i} ('${v.name}') passed to 'parallelGradientEngine' must be one of the model's weights; it is not`);
    return j;
  });
  // Non-trainable weights change during a training-mode forward pass (batch-norm moving statistics); trainable ones only through the optimizer.
  const state = model.weights.flatMap((w, j) => (w.trainable ? [] : [j]));
  const weightShapes = weightVariables.map((v) => [...v.shape]);
  const layout = weightLayout(weightShapes);
  const gradLayout = weightLayout(trainable.map((j) => weightShapes[j] as number[]));
  const stateLayout = weightLayout(state.map((j) => weightShapes[j] as number[]));
  const weightsBuffer = new SharedArrayBuffer(layout.total * 4);
  const weightsView = new Float32Array(weightsBuffer);
  const modelTopology = model.toJSON(null, false) as ModelTopology;
  // Teacher logits and soft targets come one row per sample, as wide as the model's output (batchGradients reads them the same way).
  const outputClasses = (model.outputs[0]?.shape.at(-1) as number | undefined) ?? 0;

  const slots: WorkerSlot[] = [];
  const started: Promise<void>[] = [];
  for (let index = 1; index < config.workers; index++) {
    const output = new SharedArrayBuffer((gradLayout.total + stateLayout.total) * 4);
    const init: WorkerInit = {
      index,
      workers: config.workers,
      backend: backend as WorkerBackend,
      modelTopology,
      weightShapes,
      trainable,
      state,
      loss: config.loss,
      labelSmoothing: config.labelSmoothing,
      weights: weightsBuffer,
      output,
    };
    const thread = new Worker(options.workerEntry ?? DEFAULT_ENTRY, { workerData: init });
    const slot: WorkerSlot = { index, thread, output: new Float32Array(output), input: undefined, pending: undefined, failed: undefined, stopping: false };
    slots.push(slot);
    started.push(watchWorker(slot, config.workers));
  }
  const ready = await Promise.allSettled(started);
  const startFailure = ready.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (startFailure !== undefined) {
    await stopAll(slots);
    throw startFailure.reason;
  }

  let stepNumber = 0;
  let lastReturn: number | undefined;
  return {
    workers: config.workers,
    async compute(batch: TrainBatch): Promise<BatchGradients> {
      const failed = slots.find((s) => s.failed !== undefined)?.failed;
      if (failed !== undefined) throw failed;
      const step = ++stepNumber;
      const t0 = performance.now();
      const sizes = shardSizes(batch.count, config.workers);
      // Before the main shard runs: its forward pass moves this model's batch-norm statistics.
      weightVariables.forEach((v, j) => weightsView.set(v.dataSync() as Float32Array, layout.offsets[j]));
      const numClasses = batch.teacherLogits === undefined ? 0 : outputClasses;
      const targetClasses = batch.targets === undefined ? 0 : outputClasses;
      const replies: (Promise<Extract<WorkerReply, { type: 'done' }>> | undefined)[] = [];
      let start = sizes[0] as number;
      for (const slot of slots) {
        const count = sizes[slot.index] as number;
        replies.push(count === 0 ? undefined : postStep(slot, batch, start, count, { numClasses, targetClasses }, step));
        start += count;
      }
      const t1 = performance.now();
      // Posted first, computed second: the worker threads run while this thread does its own shard.
      let main: BatchGradients | undefined;
      let mainError: unknown;
      if ((sizes[0] as number) > 0) {
        try {
          main = await batchGradients(model, variables, { ...batch, count: sizes[0] as number }, config.loss, config.labelSmoothing);
        } catch (err) {
          mainError = err;
        }
      }
      const t2 = performance.now();
      const settled = await Promise.allSettled(replies.map((r) => r ?? Promise.resolve(undefined)));
      const t3 = performance.now();
      const workerError = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (mainError !== undefined || workerError !== undefined) {
        main?.grads.forEach((g) => g.dispose());
        throw mainError ?? workerError?.reason;
      }
      const result = combine(weightVariables, state, gradLayout, stateLayout, sizes, main, slots, settled);
      const t4 = performance.now();
      options.onStep?.({
        betweenSteps: lastReturn === undefined ? 0 : t0 - lastReturn,
        broadcast: t1 - t0,
        main: t2 - t1,
        wait: t3 - t2,
        workers: settled.map((r) => (r.status === 'fulfilled' && r.value !== undefined ? r.value.seconds * 1000 : 0)),
        combine: t4 - t3,
      });
      lastReturn = t4;
      return result;
    },
    dispose: () => stopAll(slots),
  };
}

/** Resolves when the worker says it is ready; routes its later replies and failures to the step waiting on it. */
function watchWorker(slot: WorkerSlot, workers: number): Promise<void> {
  return new Promise<void>((resolveReady, rejectReady) => {
    let isReady = false;
    const fail = (doing: string, message: string, code?: string) => {
      const err = new GradientWorkerError(slot.index, workers, doing, message, code);
      slot.failed ??= err;
      slot.thread.unref();
      if (!isReady) rejectReady(err);
      slot.pending?.reject(err);
      slot.pending = undefined;
    };
    slot.thread.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') {
        isReady = true;
        // Idle workers must not keep the process alive (postStep refs the thread while a step waits on it).
        slot.thread.unref();
        resolveReady();
      } else if (reply.type === 'done') {
        const pending = slot.pending;
        slot.pending = undefined;
        slot.thread.unref();
        pending?.resolve(reply);
      } else {
        fail(isReady ? `at step ${reply.step ?? '?'}` : 'while starting', reply.message, reply.code);
      }
    });
    slot.thread.on('error', (err) => fail(isReady ? 'while computing' : 'while starting', err instanceof Error ? err.message : String(err)));
    slot.thread.on('messageerror', (err) => fail('to read a message', err.message));
    slot.thread.on('exit', (code) => {
      if (!slot.stopping) fail(isReady ? 'by exiting' : 'by exiting while starting', `the thread exited with code ${code}`);
    });
  });
}

/** Copy rows [start, start + count) into the worker's input buffer (grown when too small) and ask for their gradients. */
function postStep(
  slot: WorkerSlot,
  batch: TrainBatch,
  start: number,
  count: number,
  widths: { numClasses: number; targetClasses: number },
  step: number,
): Promise<Extract<WorkerReply, { type: 'done' }>> {
  const { frames, bins } = batch;
  const { numClasses, targetClasses } = widths;
  const at = shardInputLayout(count, frames, bins, numClasses, targetClasses);
  let grown: SharedArrayBuffer | undefined;
  if (slot.input === undefined || slot.input.byteLength < at.bytes) {
    grown = new SharedArrayBuffer(at.bytes);
    slot.input = grown;
  }
  const stride = frames * bins;
  new Float32Array(slot.input, 0, count * stride).set(batch.x.subarray(start * stride, (start + count) * stride));
  new Int32Array(slot.input, at.labels, count).set(batch.labels.subarray(start, start + count));
  if (batch.teacherLogits !== undefined) new Float32Array(slot.input, at.teacher, count * numClasses).set(batch.teacherLogits.subarray(start * numClasses, (start + count) * numClasses));
  if (batch.targets !== undefined) new Float32Array(slot.input, at.targets, count * targetClasses).set(batch.targets.subarray(start * targetClasses, (start + count) * targetClasses));
  const request: StepRequest = { type: 'step', step, count, frames, bins, numClasses, targetClasses, ...(grown === undefined ? {} : { input: grown }) };
  return new Promise((resolve, reject) => {
    slot.pending = { resolve, reject };
    slot.thread.ref();
    slot.thread.postMessage(request);
  });
}

/**
 * Row-weighted means of the shards' gradients, losses and moving statistics (summed in float64, in shard order, so a
 * run is reproducible); the statistics are written into `model`. Disposes the main shard's gradient tensors.
 */
function combine(
  weightVariables: readonly tf.Variable[],
  state: readonly number[],
  gradLayout: WeightLayout,
  stateLayout: WeightLayout,
  sizes: readonly number[],
  main: BatchGradients | undefined,
  slots: readonly WorkerSlot[],
  settled: readonly PromiseSettledResult<Extract<WorkerReply, { type: 'done' }> | undefined>[],
): BatchGradients {
  const total = sizes.reduce((a, b) => a + b, 0);
  const grads = new Float64Array(gradLayout.total);
  const stats = new Float64Array(stateLayout.total);
  let loss = 0;
  let correct = 0;
  const mainShare = (sizes[0] as number) / total;
  if (main !== undefined) {
    main.grads.forEach((g, i) => {
      const values = g.dataSync();
      const offset = gradLayout.offsets[i] as number;
      for (let k = 0; k < values.length; k++) grads[offset + k] = mainShare * (values[k] as number);
      g.dispose();
    });
    state.forEach((j, s) => {
      const values = (weightVariables[j] as tf.Variable).dataSync();
      const offset = stateLayout.offsets[s] as number;
      for (let k = 0; k < values.length; k++) stats[offset + k] = mainShare * (values[k] as number);
    });
    loss += mainShare * main.loss;
    correct += main.correct;
  }
  slots.forEach((slot, w) => {
    const result = settled[w];
    const reply = result?.status === 'fulfilled' ? result.value : undefined;
    if (reply === undefined) return;
    const share = (sizes[slot.index] as number) / total;
    const out = slot.output;
    for (let k = 0; k < grads.length; k++) grads[k] = (grads[k] as number) + share * (out[k] as number);
    for (let k = 0; k < stats.length; k++) stats[k] = (stats[k] as number) + share * (out[grads.length + k] as number);
    loss += share * reply.loss;
    correct += reply.correct;
  });
  state.forEach((j, s) => {
    const offset = stateLayout.offsets[s] as number;
    const value = tf.tensor(Float32Array.from(stats.subarray(offset, offset + (stateLayout.sizes[s] as number))), stateLayout.shapes[s] as number[]);
    (weightVariables[j] as tf.Variable).assign(value);
    value.dispose();
  });
  const out = gradLayout.shapes.map((shape, i) => {
    const offset = gradLayout.offsets[i] as number;
    return tf.tensor(Float32Array.from(grads.subarray(offset, offset + (gradLayout.sizes[i] as number))), shape as number[]);
  });
  return { grads: out, loss, correct };
}

/** Terminate every worker thread; a step still waiting on one is rejected. */
async function stopAll(slots: readonly WorkerSlot[]): Promise<void> {
  await Promise.all(
    slots.map(async (slot) => {
      slot.stopping = true;
      slot.pending?.reject(new GradientWorkerError(slot.index, slots.length + 1, 'to answer', 'the engine was disposed during the step'));
      slot.pending = undefined;
      await slot.thread.terminate();
    }),
  );
}
