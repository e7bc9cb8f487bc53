// One DS-CNN training step on the wasm candidate (all kernel and gradient replacements) matches tfjs's stock cpu backend.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom, type FeatureSet } from '@whittle/datasets';
import { buildDsCnn, DS_CNN_S } from '../models/ds-cnn.ts';
import { trainClassifier } from '../train/train-classifier.ts';
import { resolveTrainConfig } from '../train/train-config.ts';
import { WASM_CANDIDATE } from './candidates.ts';

/** Relative to each tensor's largest magnitude: float32 results of differently ordered sums. */
const TOLERANCE = 1e-4;

// Every layer type of DS-CNN-S (seeded dropout included), small enough for the pure-JS cpu backend.
const TINY = { ...DS_CNN_S, inputFrames: 20, inputBins: 10, numClasses: 4, channels: 16, blocks: 2 };
const BATCH = 16;

function features(count: number, seed: number): FeatureSet {
  const rng = new SeededRandom(seed);
  return {
    features: Float32Array.from({ length: count * TINY.inputFrames * TINY.inputBins }, () => rng.normal()),
    frames: TINY.inputFrames,
    bins: TINY.inputBins,
    count,
    labels: Int32Array.from({ length: count }, (_, i) => i % TINY.numClasses),
    ids: Array.from({ length: count }, (_, i) => `row${i}`),
  };
}

interface StepResult {
  readonly loss: number;
  /** Every weight after the step, moving batch-norm statistics included, by weight name. */
  readonly weights: Map<string, number[]>;
  /** d loss / d weight at the initial weights, by trainable weight name. */
  readonly grads: Map<string, number[]>;
}

/** Gradients at the seeded initial weights, then one trainClassifier step (one batch, one epoch). */
async function trainOneStep(): Promise<StepResult> {
  const train = features(BATCH, 1);
  const gradModel = buildDsCnn(TINY, 5);
  const gradTensors = tf.tidy(() => {
    const x = tf.tensor3d(train.features, [BATCH, TINY.inputFrames, TINY.inputBins]);
    const y = tf.oneHot(tf.tensor1d(train.labels, 'int32'), TINY.numClasses);
    return tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, gradModel.apply(x, { training: true }) as tf.Tensor) as tf.Scalar).grads;
  });
  // Variable names get a uniquifying suffix per model instance; the layers' original names do not.
  const grads = new Map(gradModel.trainableWeights.map((w) => [w.originalName, Array.from((gradTensors[w.name] as tf.Tensor).dataSync())]));
  tf.dispose(gradTensors);
  gradModel.dispose();
  const model = buildDsCnn(TINY, 5);
  const before = tf.memory().numTensors;
  const result = await trainClassifier(model, train, features(8, 2), resolveTrainConfig({ epochs: 1, batchSize: BATCH, seed: 3 }));
  expect(tf.memory().numTensors).toBe(before);
  const weights = new Map(model.weights.map((w) => [w.originalName, Array.from(w.read().dataSync())]));
  model.dispose();
  return { loss: result.history[0]?.loss ?? Number.NaN, weights, grads };
}

function maxRelDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-6); // no spread: arrays can exceed the argument limit
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0) / scale;
}

let cpu: StepResult;
let wasm: StepResult;

beforeAll(async () => {
  // The reference first: loading the wasm candidate replaces gradients globally, for cpu too.
  await tf.setBackend('cpu');
  cpu = await trainOneStep();
  await WASM_CANDIDATE.load();
  expect(tf.getBackend()).toBe('wasm');
  wasm = await trainOneStep();
});

describe('one DS-CNN training step, wasm candidate vs stock cpu', () => {
  it('has the same loss', () => {
    expect(Number.isFinite(cpu.loss)).toBe(true);
    expect(Math.abs(wasm.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThan(TOLERANCE);
  });

  it('has the same gradient for every trainable weight', () => {
    expect([...wasm.grads.keys()].sort()).toEqual([...cpu.grads.keys()].sort());
    expect(cpu.grads.size).toBe(3 + 6 * TINY.blocks + 2); // conv, bn x2; per block dw, bn x2, pw, bn x2; dense kernel, bias
    for (const [name, ref] of cpu.grads) expect(maxRelDiff(wasm.grads.get(name) as number[], ref), name).toBeLessThan(TOLERANCE);
  });

  it('leaves the same weights and batch-norm statistics', () => {
    expect([...wasm.weights.keys()].sort()).toEqual([...cpu.weights.keys()].sort());
    for (const [name, ref] of cpu.weights) expect(maxRelDiff(wasm.weights.get(name) as number[], ref), name).toBeLessThan(TOLERANCE);
  });
});
