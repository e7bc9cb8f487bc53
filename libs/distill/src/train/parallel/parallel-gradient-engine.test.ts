// Data-parallel gradients equal single-thread ones (without batch norm), are reproducible, leak nothing, and fail loudly.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom, type FeatureSet } from '@whittle/datasets';
import { activateBackend } from '../../backend/select-backend.ts';
import { WASM_CANDIDATE } from '../../backend/candidates.ts';
import { buildDsCnn, DS_CNN_S } from '../../models/ds-cnn.ts';
import { toyBandSet } from '../../testing/toy-band-set.ts';
import { batchGradients, type TrainBatch } from '../batch-gradients.ts';
import { trainClassifier } from '../train-classifier.ts';
import { resolveTrainConfig, type TrainConfig } from '../train-config.ts';
import { GradientWorkerError } from './gradient-worker-error.ts';
import { parallelGradientEngine } from './parallel-gradient-engine.ts';

const FRAMES = 12;
const BINS = 6;
const CLASSES = 3;

/** Relative to each tensor's largest magnitude: float32 sums taken in a different order. */
const TOLERANCE = 1e-5;

/** Conv + dense, no batch norm, no dropout: the gradient of the mean loss splits exactly over shards. */
function plainModel(seed: number): tf.Sequential {
  let n = 0;
  const init = () => tf.initializers.glorotUniform({ seed: seed + 31 * n++ });
  const model = tf.sequential();
  model.add(tf.layers.reshape({ targetShape: [FRAMES, BINS, 1], inputShape: [FRAMES, BINS] }));
  model.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init() }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: init() }));
  model.add(tf.layers.dense({ units: CLASSES, kernelInitializer: init() }));
  return model;
}

function bnModel(seed: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.reshape({ targetShape: [FRAMES, BINS, 1], inputShape: [FRAMES, BINS] }));
  model.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  model.add(tf.layers.batchNormalization({ momentum: 0.9 }));
  model.add(tf.layers.reLU());
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: CLASSES, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return model;
}

function features(count: number, seed: number): FeatureSet {
  const rng = new SeededRandom(seed);
  const labels = Int32Array.from({ length: count }, (_, i) => i % CLASSES);
  const x = new Float32Array(count * FRAMES * BINS);
  // Class c is brighter on its third of the bins, so training makes progress and gradients stay informative.
  for (let i = 0; i < x.length; i++) x[i] = 0.5 * rng.normal() + (Math.floor(((i % BINS) * CLASSES) / BINS) === labels[Math.floor(i / (FRAMES * BINS))] ? 1 : 0);
  return { features: x, frames: FRAMES, bins: BINS, count, labels, ids: Array.from({ length: count }, (_, i) => `r${i}`) };
}

function asBatch(set: FeatureSet, teacherLogits?: Float32Array, targets?: Float32Array): TrainBatch {
  return {
    x: set.features,
    labels: set.labels,
    count: set.count,
    frames: set.frames,
    bins: set.bins,
    ...(teacherLogits === undefined ? {} : { teacherLogits }),
    ...(targets === undefined ? {} : { targets }),
  };
}

/** Row i's distribution: 0.6 on its label, 0.4 on the next class (what a mixup batch sends). */
function softTargets(set: FeatureSet): Float32Array {
  const out = new Float32Array(set.count * CLASSES);
  set.labels.forEach((label, i) => {
    out[i * CLASSES + label] = 0.6;
    out[i * CLASSES + ((label + 1) % CLASSES)] = 0.4;
  });
  return out;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i] as number), Math.abs(b[i] as number));
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
  }
  return scale === 0 ? diff : diff / scale;
}

const trainableOf = (model: tf.LayersModel) => model.trainableWeights.map((w) => w.read() as tf.Variable);
const weightsOf = (model: tf.LayersModel) => model.weights.map((w) => Array.from(w.read().dataSync()));

/** A worker thread from source text (no file), for the failure cases. */
const workerFrom = (source: string) => new URL(`data:text/javascript,${encodeURIComponent(source)}`);
const READY = "import { parentPort } from 'node:worker_threads'; parentPort.postMessage({ type: 'ready' });";

describe.each(['cpu', 'wasm'])('parallelGradientEngine on %s', (backend) => {
  beforeAll(async () => {
    if (backend === 'wasm') await WASM_CANDIDATE.load();
    else await activateBackend('cpu');
  });

  it.each([2, 3])('returns the full batch mean-loss gradients, loss and hits with %i workers, leaving no tensors', async (workers) => {
    const model = plainModel(1);
    const variables = trainableOf(model);
    // 17 rows: shards of 8+9 or 5+6+6, so the row weighting matters.
    const set = features(17, 2);
    const teacher = Float32Array.from({ length: 17 * CLASSES }, (_, i) => Math.sin(i));
    const cases = [
      { loss: { kind: 'cross-entropy' } as const, labelSmoothing: 0, targets: undefined },
      { loss: { kind: 'distillation', alpha: 0.6, temperature: 3 } as const, labelSmoothing: 0, targets: undefined },
      // Label smoothing and soft (mixup) targets must reach every shard.
      { loss: { kind: 'cross-entropy' } as const, labelSmoothing: 0.2, targets: softTargets(set) },
      { loss: { kind: 'distillation', alpha: 0.6, temperature: 3 } as const, labelSmoothing: 0.2, targets: softTargets(set) },
    ];
    for (const { loss, labelSmoothing, targets } of cases) {
      const config: TrainConfig = resolveTrainConfig({ workers, batchSize: 17, loss, labelSmoothing });
      const single = await batchGradients(model, variables, asBatch(set, teacher, targets), config.loss, config.labelSmoothing);
      const before = tf.memory().numTensors;
      const engine = await parallelGradientEngine(model, variables, config);
      expect(engine.workers).toBe(workers);
      const parallel = await engine.compute(asBatch(set, teacher, targets));
      expect(parallel.grads.map((g) => g.shape)).toEqual(single.grads.map((g) => g.shape));
      parallel.grads.forEach((g, i) => expect(maxRelDiff(g.dataSync(), (single.grads[i] as tf.Tensor).dataSync())).toBeLessThan(TOLERANCE));
      expect(parallel.loss).toBeCloseTo(single.loss, 5);
      expect(parallel.correct).toBe(single.correct);
      tf.dispose(parallel.grads);
      await engine.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(single.grads);
    }
    model.dispose();
  });

  it.each([2, 3])('trains to the same weights as one worker (workers = %i, uneven and empty shards), reproducibly', async (workers) => {
    // 50 rows in batches of 16: the last batch has 2 rows, so with 3 workers the main thread's shard is empty.
    const train = features(50, 3);
    const validation = features(12, 4);
    const run = async (n: number) => {
      const model = plainModel(5);
      const config = resolveTrainConfig({ epochs: 2, batchSize: 16, learningRate: 1e-2, seed: 7, workers: n, earlyStopping: { patience: 5, minDelta: 0 } });
      const result = await trainClassifier(model, train, validation, config, undefined, n === 1 ? {} : { engine: parallelGradientEngine });
      const weights = weightsOf(model);
      model.dispose();
      return { history: result.history.map((h) => [h.loss, h.trainAccuracy]), weights };
    };
    const one = await run(1);
    const a = await run(workers);
    const b = await run(workers);
    expect(a).toEqual(b);
    a.weights.forEach((w, i) => expect(maxRelDiff(w, one.weights[i] as number[])).toBeLessThan(TOLERANCE));
    a.history.forEach(([loss, acc], e) => {
      expect(loss).toBeCloseTo((one.history[e] as number[])[0] as number, 5);
      expect(acc).toBe((one.history[e] as number[])[1]);
    });
    // The weights did move: equality is not two untouched models.
    expect(maxRelDiff(one.weights[0] as number[], weightsOf(plainModel(5))[0] as number[])).toBeGreaterThan(1e-3);
  });

  it('trains to the same weights as one worker with label smoothing and mixup, for cross-entropy and distillation', async () => {
    const train = features(50, 3);
    const validation = features(12, 4);
    const teacher = Float32Array.from({ length: 50 * CLASSES }, (_, i) => 2 * Math.sin(i));
    for (const loss of [{ kind: 'cross-entropy' } as const, { kind: 'distillation', alpha: 0.6, temperature: 2 } as const]) {
      const run = async (n: number) => {
        const model = plainModel(5);
        const config = resolveTrainConfig({
          epochs: 2,
          batchSize: 16,
          learningRate: 1e-2,
          seed: 7,
          workers: n,
          earlyStopping: { patience: 5, minDelta: 0 },
          loss,
          labelSmoothing: 0.1,
          // Every batch mixed, with λ spread over (0, 1), so the shards get soft targets (and mixed teacher logits).
          mixup: { probability: 1, alpha: 1 },
        });
        const result = await trainClassifier(model, train, validation, config, undefined, {
          ...(n === 1 ? {} : { engine: parallelGradientEngine }),
          ...(loss.kind === 'distillation' ? { teacherLogits: [teacher] } : {}),
        });
        const weights = weightsOf(model);
        model.dispose();
        return { history: result.history.map((h) => [h.loss, h.trainAccuracy]), weights };
      };
      const one = await run(1);
      const a = await run(2);
      expect(await run(2)).toEqual(a);
      a.weights.forEach((w, i) => expect(maxRelDiff(w, one.weights[i] as number[])).toBeLessThan(TOLERANCE));
      a.history.forEach(([lossValue, acc], e) => {
        expect(lossValue).toBeCloseTo((one.history[e] as number[])[0] as number, 5);
        expect(acc).toBe((one.history[e] as number[])[1]);
      });
    }
  });

  it('with batch norm: moving mean tracks the full batch, gradients use per-shard statistics', async () => {
    const set = features(16, 6);
    const config = resolveTrainConfig({ workers: 2, batchSize: 16 });
    const reference = bnModel(8);
    const single = await batchGradients(reference, trainableOf(reference), asBatch(set), config.loss);
    const model = bnModel(8);
    const engine = await parallelGradientEngine(model, trainableOf(model), config);
    const parallel = await engine.compute(asBatch(set));
    await engine.dispose();
    const stat = (m: tf.LayersModel, name: string) => Array.from((m.weights.find((w) => w.originalName.endsWith(name)) as tf.LayerVariable).read().dataSync());
    expect(maxRelDiff(stat(model, 'moving_mean'), stat(reference, 'moving_mean'))).toBeLessThan(TOLERANCE);
    // Shard variances leave out the spread between the shards' means, so the average is at most the full batch's.
    stat(model, 'moving_variance').forEach((v, c) => expect(v).toBeLessThanOrEqual((stat(reference, 'moving_variance')[c] as number) + 1e-6));
    // Per-shard normalisation changes the gradients (DDP without SyncBatchNorm), though not wildly.
    const kernel = maxRelDiff((parallel.grads[0] as tf.Tensor).dataSync(), (single.grads[0] as tf.Tensor).dataSync());
    expect(kernel).toBeGreaterThan(TOLERANCE);
    expect(kernel).toBeLessThan(0.5);
    tf.dispose([...parallel.grads, ...single.grads]);
    model.dispose();
    reference.dispose();
  });
});

describe('trainClassifier with workers > 1', () => {
  beforeAll(async () => {
    await WASM_CANDIDATE.load();
  });

  it('trains a DS-CNN (batch norm, dropout) on worker threads by itself, reproducibly, and learns', async () => {
    const shape = { frames: 16, bins: 8, bandWidth: 3, noise: 0.3 };
    const tiny = { ...DS_CNN_S, inputFrames: 16, inputBins: 8, numClasses: 3, channels: 8, blocks: 1, dropout: 0.1 };
    const config = resolveTrainConfig({ epochs: 5, batchSize: 16, learningRate: 1e-2, seed: 5, workers: 2 });
    const run = async (workers = config.workers) => {
      const model = buildDsCnn(tiny, 3);
      const before = tf.memory().numTensors;
      // No engine option: config.workers alone selects the data-parallel engine.
      const result = await trainClassifier(model, toyBandSet(96, 1, shape), toyBandSet(48, 2, shape), { ...config, workers });
      expect(tf.memory().numTensors).toBe(before);
      const weights = weightsOf(model);
      model.dispose();
      return { result, weights };
    };
    const a = await run();
    const b = await run();
    expect(a.weights).toEqual(b.weights);
    expect(a.result.history.map((h) => h.loss)).toEqual(b.result.history.map((h) => h.loss));
    expect(a.result.bestValidationAccuracy).toBeGreaterThan(0.9);
    // Per-shard batch statistics: not the single-thread run (which is how we know the workers were used).
    expect((await run(1)).result.history[0]?.loss).not.toBe(a.result.history[0]?.loss);
  });
});

describe('parallelGradientEngine failures', () => {
  let model: tf.Sequential;
  beforeAll(async () => {
    await activateBackend('cpu');
    model = plainModel(1);
  });
  afterAll(() => model.dispose());
  const config = () => resolveTrainConfig({ workers: 2, batchSize: 8 });

  it('rejects startup with the worker index and the message when a worker cannot start', async () => {
    const failing = parallelGradientEngine(model, trainableOf(model), config(), { workerEntry: workerFrom("throw new Error('no backend here');") });
    await expect(failing).rejects.toThrow(GradientWorkerError);
    await expect(parallelGradientEngine(model, trainableOf(model), config(), { workerEntry: workerFrom("throw new Error('no backend here');") })).rejects.toThrow(
      'Gradient worker 1 of 2 failed while starting: no backend here',
    );
  });

  it.each([
    ['throws', "parentPort.on('message', () => { throw new Error('kernel exploded'); });", /^Gradient worker 1 of 2 failed while computing: kernel exploded$/, 'BACKEND'],
    ['exits', "parentPort.on('message', () => process.exit(3));", /^Gradient worker 1 of 2 failed by exiting: the thread exited with code 3$/, 'BACKEND'],
    [
      'reports an error',
      "parentPort.on('message', (m) => parentPort.postMessage({ type: 'error', step: m.step, message: 'loss became NaN', code: 'NUMERIC' }));",
      /^Gradient worker 1 of 2 failed at step 1: loss became NaN$/,
      'NUMERIC',
    ],
  ])('rejects compute() when a worker %s, naming it, and keeps failing until disposed', async (_what, onStep, message, code) => {
    const before = tf.memory().numTensors;
    const engine = await parallelGradientEngine(model, trainableOf(model), config(), { workerEntry: workerFrom(`${READY} ${onStep}`) });
    const error = await engine.compute(asBatch(features(8, 1))).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GradientWorkerError);
    expect((error as GradientWorkerError).message).toMatch(message);
    expect((error as GradientWorkerError).workerIndex).toBe(1);
    expect((error as GradientWorkerError).code).toBe(code);
    await expect(engine.compute(asBatch(features(8, 1)))).rejects.toBe(error);
    await engine.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses variables that are not the model’s weights', async () => {
    const stray = tf.variable(tf.zeros([2]), true, 'stray');
    await expect(parallelGradientEngine(model, [stray], config())).rejects.toThrow("Variable 0 ('stray') passed to 'parallelGradientEngine' must be one of the model's weights; it is not");
    stray.dispose();
  });
});
