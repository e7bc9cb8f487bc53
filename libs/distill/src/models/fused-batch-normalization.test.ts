// FusedBatchNormalization against tf.layers.batchNormalization: a training step, inference, fallbacks and model files, on cpu and wasm.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, SeededRandom } from '@whittle/datasets';
import { CPU_CANDIDATE, WASM_CANDIDATE } from '../backend/candidates.ts';
import { BATCH_NORM_MOMENTS } from '../backend/kernels/batch-norm-moments.ts';
import { FusedBatchNormalization, fusedBatchNormalization } from './fused-batch-normalization.ts';

/** Relative to each tensor's largest magnitude: float32 sums taken in a different order. */
const TOLERANCE = 1e-5;
const BATCH = 8;
const FRAMES = 12;
const BINS = 8;
const CLASSES = 4;

type BnFactory = (args: { momentum: number; epsilon?: number; name: string }) => tf.layers.Layer;
const stockBn: BnFactory = (args) => tf.layers.batchNormalization(args);
const fusedBn: BnFactory = (args) => fusedBatchNormalization(args);

/** DS-CNN in miniature: strided conv, a depthwise-separable block, each followed by batch norm and ReLU. */
function tinyDsCnn(bn: BnFactory): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.reshape({ inputShape: [FRAMES, BINS], targetShape: [FRAMES, BINS, 1], name: 'to_image' }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: [5, 3], strides: 2, padding: 'same', useBias: false, name: 'conv_1' }));
  model.add(bn({ momentum: 0.9, name: 'conv_1_bn' }));
  model.add(tf.layers.reLU({ name: 'conv_1_relu' }));
  model.add(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, name: 'dw_1' }));
  // Not tfjs' default epsilon, so a layer that ignored its own would show.
  model.add(bn({ momentum: 0.8, epsilon: 0.01, name: 'dw_1_bn' }));
  model.add(tf.layers.reLU({ name: 'dw_1_relu' }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 1, useBias: false, name: 'pw_1' }));
  model.add(bn({ momentum: 0.9, name: 'pw_1_bn' }));
  model.add(tf.layers.reLU({ name: 'pw_1_relu' }));
  model.add(tf.layers.globalAveragePooling2d({ name: 'pool' }));
  model.add(tf.layers.dense({ units: CLASSES, name: 'logits' }));
  return model;
}

/** Seeded weights, with batch-norm parameters and statistics away from their initial 1s and 0s. */
function seededWeights(model: tf.LayersModel, seed: number): tf.Tensor[] {
  const rng = new SeededRandom(seed);
  return model.weights.map((w) => {
    const shape = w.shape as number[];
    const name = w.originalName;
    const gen = name.endsWith('variance') || name.endsWith('gamma') ? () => rng.uniform(0.5, 1.5) : () => rng.normal() * (name.endsWith('mean') ? 0.5 : 0.4);
    return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, gen), shape);
  });
}

/** The same seeded model built with the stock and with the fused layer. */
function pair(): { stock: tf.Sequential; fused: tf.Sequential } {
  const stock = tinyDsCnn(stockBn);
  const fused = tinyDsCnn(fusedBn);
  const weights = seededWeights(stock, 3);
  stock.setWeights(weights);
  fused.setWeights(weights);
  tf.dispose(weights);
  return { stock, fused };
}

function batch(seed: number): { x: tf.Tensor; labels: tf.Tensor } {
  const rng = new SeededRandom(seed);
  // An offset, so x - mean matters in the first batch norm.
  const x = tf.tensor(Float32Array.from({ length: BATCH * FRAMES * BINS }, () => rng.normal() * 1.5 + 2), [BATCH, FRAMES, BINS]);
  return { x, labels: tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % CLASSES), 'int32'), CLASSES) };
}

interface StepResult {
  readonly logits: number[];
  readonly loss: number;
  /** d loss / d weight, in trainableWeights order. */
  readonly grads: number[][];
  /** Every weight after the step (moving mean and variance included), in weights order. */
  readonly weights: number[][];
}

/** One training-mode forward and backward pass (what batchGradients does), then every weight. */
function trainingStep(model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor): StepResult {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { logits, loss, grads } = tf.tidy(() => {
    let out: tf.Tensor | undefined;
    const { value, grads: byName } = tf.variableGrads(() => {
      out = tf.keep(model.apply(x, { training: true }) as tf.Tensor);
      return tf.losses.softmaxCrossEntropy(labels, out) as tf.Scalar;
    }, variables);
    const result = {
      logits: Array.from((out as tf.Tensor).dataSync()),
      loss: value.dataSync()[0] as number,
      grads: variables.map((v) => Array.from((byName[v.name] as tf.Tensor).dataSync())),
    };
    tf.dispose(out);
    return result;
  });
  return { logits, loss, grads, weights: model.weights.map((w) => Array.from(w.read().dataSync())) };
}

function relDiff(got: number[], want: number[]): number {
  expect(got.length).toBe(want.length);
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-12);
  return got.reduce((m, v, i) => Math.max(m, Math.abs(v - (want[i] as number))), 0) / scale;
}

/** Largest relative difference per quantity, for the assertion message and the report. */
function compare(got: StepResult, want: StepResult, names: { trainable: string[]; all: string[] }): Record<string, number> {
  const diffs: Record<string, number> = { logits: relDiff(got.logits, want.logits), loss: relDiff([got.loss], [want.loss]) };
  got.grads.forEach((g, i) => (diffs[`d ${names.trainable[i]}`] = relDiff(g, want.grads[i] as number[])));
  got.weights.forEach((w, i) => (diffs[`${names.all[i]} after`] = relDiff(w, want.weights[i] as number[])));
  return diffs;
}

/** Layer classes in `model` that deserialization produced for its batch norms. */
const bnClasses = (model: tf.LayersModel) => model.layers.filter((l) => l.getClassName() === 'BatchNormalization').map((l) => l.constructor);
const STOCK = Object.getPrototypeOf(FusedBatchNormalization) as typeof FusedBatchNormalization;

describe.each([
  ['cpu', CPU_CANDIDATE],
  ['wasm', WASM_CANDIDATE],
] as const)('FusedBatchNormalization on %s', (backend, candidate) => {
  beforeAll(async () => {
    await candidate.load();
    expect(tf.getBackend()).toBe(backend);
  });

  it('matches the stock layer in one training step: outputs, loss, every gradient, moving mean and variance', () => {
    const { stock, fused } = pair();
    const { x, labels } = batch(7);
    const names = { trainable: stock.trainableWeights.map((w) => w.originalName), all: stock.weights.map((w) => w.originalName) };
    const before = stock.getWeights().map((w) => Array.from(w.dataSync()));
    const want = trainingStep(stock, x, labels);
    const got = trainingStep(fused, x, labels);
    const diffs = compare(got, want, names);
    for (const [what, diff] of Object.entries(diffs)) expect(diff, what).toBeLessThan(TOLERANCE);
    // The step did move the statistics (else "unchanged" would compare trivially).
    const moved = names.all.map((n, i) => (n.includes('moving') ? relDiff(want.weights[i] as number[], before[i] as number[]) : 1));
    expect(Math.min(...moved)).toBeGreaterThan(1e-3);
    tf.dispose([x, labels]);
    stock.dispose();
    fused.dispose();
  });

  it('gives identical inference outputs, with or without an explicit training: false', () => {
    const { stock, fused } = pair();
    const { x, labels } = batch(8);
    const outputs = tf.tidy(() =>
      [stock.predict(x) as tf.Tensor, fused.predict(x) as tf.Tensor, fused.apply(x, { training: false }) as tf.Tensor, fused.apply(x) as tf.Tensor].map((t) => Array.from(t.dataSync())),
    );
    for (const o of outputs.slice(1)) expect(o).toEqual(outputs[0]);
    tf.dispose([x, labels]);
    stock.dispose();
    fused.dispose();
  });

  it('leaves no tensors behind after a training step', () => {
    const { fused } = pair();
    const { x, labels } = batch(9);
    trainingStep(fused, x, labels);
    const before = tf.memory().numTensors;
    trainingStep(fused, x, labels);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, labels]);
    fused.dispose();
  });

  it.each([
    ['center off', { center: false }],
    ['scale off', { scale: false }],
    ['axis 1', { axis: 1 }],
  ])('runs the stock training code when the fused op does not apply (%s), errors included', (_, extra) => {
    const run = (make: (args: object) => tf.layers.Layer) =>
      tf.tidy(() => {
        const layer = make({ momentum: 0.9, ...extra });
        const x = tf.add(tf.randomNormal([4, 3, 5, 6], 0, 1, 'float32', 11), 1);
        try {
          const y = layer.apply(x, { training: true }) as tf.Tensor;
          return { y: Array.from(y.dataSync()), stats: layer.getWeights().map((w) => Array.from(w.dataSync())) };
        } catch (err) {
          return { error: (err as Error).message };
        }
      });
    const want = run((args) => tf.layers.batchNormalization(args));
    expect(run((args) => new FusedBatchNormalization(args))).toEqual(want);
  });
});

describe('FusedBatchNormalization as a model file', () => {
  beforeAll(async () => {
    await CPU_CANDIDATE.load();
  });

  it('serializes as the stock BatchNormalization with the stock config', () => {
    const { stock, fused } = pair();
    const json = (m: tf.LayersModel) => JSON.stringify(m.toJSON(null, false)).replaceAll(/"name":"[^"]*"/g, '');
    expect(json(fused)).toBe(json(stock));
    expect(json(fused)).toContain('"class_name":"BatchNormalization"');
    expect(json(fused)).not.toMatch(/Fused/);
    expect(fused.layers.filter((l) => l instanceof FusedBatchNormalization).map((l) => l.getClassName())).toEqual(Array(3).fill('BatchNormalization'));
    stock.dispose();
    fused.dispose();
  });

  it('round-trips through save and load: stock tfjs loads the stock class, this process the fused one, with equal weights and outputs', async () => {
    const { fused } = pair();
    let artifacts: tf.io.ModelArtifacts | undefined;
    await fused.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const saved = artifacts as tf.io.ModelArtifacts;
    const load = () => tf.loadLayersModel(tf.io.fromMemory(saved));

    // What a process without @whittle/distill sees: tfjs' own class registered under the name.
    tf.serialization.registerClass(STOCK as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
    let plain: tf.LayersModel;
    try {
      plain = await load();
    } finally {
      tf.serialization.registerClass(FusedBatchNormalization as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
    }
    const reloaded = await load();
    const rebuilt = await tf.models.modelFromJSON({ modelTopology: fused.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
    expect(bnClasses(plain)).toEqual(Array(3).fill(STOCK));
    expect(bnClasses(reloaded)).toEqual(Array(3).fill(FusedBatchNormalization));
    // A gradient worker rebuilds the model from toJSON: it gets the fused layer too.
    expect(bnClasses(rebuilt)).toEqual(Array(3).fill(FusedBatchNormalization));

    const { x } = batch(10);
    const outputs = tf.tidy(() => [fused, plain, reloaded].map((m) => Array.from((m.predict(x) as tf.Tensor).dataSync())));
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
    const weights = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(plain)).toEqual(weights(fused));
    tf.dispose(x);
    for (const m of [fused, plain, reloaded, rebuilt]) m.dispose();
  });

  it("rejects an axis other than the last, naming the layer", () => {
    const call = () => fusedBatchNormalization({ axis: 1, name: 'bn_h' } as never);
    expect(call).toThrow(ConfigError);
    expect(call).toThrow("Argument 'axis' passed to 'fusedBatchNormalization' (layer 'bn_h') must be -1 (the channel axis); got 1");
  });
});

describe('FusedBatchNormalization kernels', () => {
  it('runs the fused moments kernel in training on wasm, and only in training', async () => {
    await WASM_CANDIDATE.load();
    const { fused } = pair();
    const { x, labels } = batch(12);
    const kernels = async (training: boolean) => (await tf.profile(() => tf.tidy(() => fused.apply(x, { training }) as tf.Tensor))).kernelNames;
    expect(await kernels(true)).toContain(BATCH_NORM_MOMENTS);
    expect(await kernels(false)).not.toContain(BATCH_NORM_MOMENTS);
    tf.dispose([x, labels]);
    fused.dispose();
  });
});
