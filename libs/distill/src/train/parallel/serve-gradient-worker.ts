// The worker-thread side of data-parallel training: rebuild the model, then compute one shard's gradients per request.

import * as tf from '@tensorflow/tfjs';
import type { MessagePort } from 'node:worker_threads';
import { WhittleError } from '@whittle/datasets';
import { candidatesFor } from '../../backend/candidates.ts';
// Registers the fused BatchNormalization, so modelFromJSON rebuilds the replica with the layers the main thread trains.
import '../../models/fused-batch-normalization.ts';
// Registers the per-clip input normalisation layer for the same reason.
import '../../models/utterance-normalization.ts';
import { batchGradients, type TrainBatch } from '../batch-gradients.ts';
import { weightLayout } from './weight-layout.ts';
import { shardInputLayout, type StepRequest, type WorkerInit, type WorkerReply } from './worker-protocol.ts';

function replyError(port: MessagePort, err: unknown, step?: number): void {
  const reply: WorkerReply = {
    type: 'error',
    ...(step === undefined ? {} : { step }),
    message: err instanceof Error ? err.message : String(err),
    ...(err instanceof WhittleError ? { code: err.code } : {}),
    ...(err instanceof Error && err.stack !== undefined ? { stack: err.stack } : {}),
  };
  port.postMessage(reply);
}

/**
 * Load the main process's backend (with the same kernel registrations), rebuild the model from its topology and answer
 * step requests on `port` until the thread is terminated. Replies `ready` once, then `done` or `error` per step.
 */
export async function serveGradientWorker(port: MessagePort, init: WorkerInit): Promise<void> {
  let model: tf.LayersModel;
  try {
    const candidate = candidatesFor(init.backend)[0];
    if (candidate === undefined) throw new Error(`no backend candidate named '${init.backend}'`);
    await candidate.load();
    model = await tf.models.modelFromJSON({ modelTopology: init.modelTopology });
    const shapes = model.weights.map((w) => w.shape);
    if (JSON.stringify(shapes) !== JSON.stringify(init.weightShapes)) {
      throw new Error(`the rebuilt model's weight shapes ${JSON.stringify(shapes)} differ from the main thread's ${JSON.stringify(init.weightShapes)}`);
    }
  } catch (err) {
    replyError(port, err);
    return;
  }
  const weights = model.weights.map((w) => w.read() as tf.Variable);
  const variables = init.trainable.map((j) => weights[j] as tf.Variable);
  const layout = weightLayout(init.weightShapes);
  const shared = new Float32Array(init.weights);
  const gradLayout = weightLayout(init.trainable.map((j) => init.weightShapes[j] as number[]));
  const output = new Float32Array(init.output);
  let input: SharedArrayBuffer | undefined;

  const step = async (request: StepRequest): Promise<void> => {
    const started = performance.now();
    if (request.input !== undefined) input = request.input;
    if (input === undefined) throw new Error('step request without an input buffer');
    // slice(): the cpu backend keeps a tensor's array as given, and the main thread rewrites these buffers next step.
    weights.forEach((w, j) => {
      const value = tf.tensor(shared.slice(layout.offsets[j], (layout.offsets[j] as number) + (layout.sizes[j] as number)), w.shape, w.dtype);
      w.assign(value);
      value.dispose();
    });
    const { count, frames, bins, numClasses, targetClasses } = request;
    const at = shardInputLayout(count, frames, bins, numClasses, targetClasses);
    const batch: TrainBatch = {
      x: new Float32Array(input, 0, count * frames * bins).slice(),
      labels: new Int32Array(input, at.labels, count).slice(),
      count,
      frames,
      bins,
      ...(numClasses === 0 ? {} : { teacherLogits: new Float32Array(input, at.teacher, count * numClasses).slice() }),
      ...(targetClasses === 0 ? {} : { targets: new Float32Array(input, at.targets, count * targetClasses).slice() }),
    };
    const result = await batchGradients(model, variables, batch, init.loss, init.labelSmoothing);
    result.grads.forEach((g, i) => {
      output.set(g.dataSync(), gradLayout.offsets[i]);
      g.dispose();
    });
    let offset = gradLayout.total;
    for (const j of init.state) {
      output.set((weights[j] as tf.Variable).dataSync(), offset);
      offset += layout.sizes[j] as number;
    }
    const reply: WorkerReply = { type: 'done', step: request.step, loss: result.loss, correct: result.correct, seconds: (performance.now() - started) / 1000 };
    port.postMessage(reply);
  };

  // Requests are answered in order: the main thread never sends a step before the previous reply arrived.
  port.on('message', (request: StepRequest) => {
    step(request).catch((err: unknown) => replyError(port, err, request.step));
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}
