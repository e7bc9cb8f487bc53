// The training loop learns a separable toy task, keeps its best epoch, stops early and reproduces per seed; label smoothing and mixup off reproduce the recorded pre-regulariser run, and mixup blends the rows and targets the engine gets.
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SILENT_REPORTER, type ProgressEvent } from '@whittle/datasets';
import { buildDsCnn, DS_CNN_S } from '../models/ds-cnn.ts';
import { toyBandSet } from '../testing/toy-band-set.ts';
import type { GradientEngine, TrainBatch } from './batch-gradients.ts';
import { loadLayersModel, saveLayersModel } from './layers-model-io.ts';
import { accuracyOf, predictLogits, trainClassifier } from './train-classifier.ts';
import { disposeTrainCheckpoint, readTrainCheckpoint } from './train-checkpoint.ts';
import { resolveTrainConfig, trainConfigIdentity } from './train-config.ts';
import { TrainingInterruptedError } from './training-interrupted-error.ts';

const FRAMES = 16;
const BINS = 8;
const tiny = { ...DS_CNN_S, inputFrames: FRAMES, inputBins: BINS, numClasses: 3, channels: 8, blocks: 1, dropout: 0 };

const toySet = (count: number, seed: number) => toyBandSet(count, seed, { frames: FRAMES, bins: BINS, bandWidth: 3, noise: 0.3 });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('trainClassifier', () => {
  it('learns a separable task and leaves the best-epoch weights in the model', async () => {
    const train = toySet(96, 1);
    const validation = toySet(48, 2);
    const model = buildDsCnn(tiny, 3);
    const before = tf.memory().numTensors;
    const result = await trainClassifier(model, train, validation, resolveTrainConfig({ epochs: 6, batchSize: 16, learningRate: 1e-2, seed: 5 }));
    expect(tf.memory().numTensors).toBe(before);
    expect(result.history.length).toBeGreaterThanOrEqual(1);
    const best = result.history.find((h) => h.epoch === result.bestEpoch)!;
    expect(best.validationAccuracy).toBe(result.bestValidationAccuracy);
    expect(Math.max(...result.history.map((h) => h.validationAccuracy))).toBe(result.bestValidationAccuracy);
    // The restored weights are the best epoch's: re-measuring gives the recorded accuracy.
    expect(accuracyOf(predictLogits(model, validation), validation.labels)).toBeCloseTo(result.bestValidationAccuracy, 6);
    expect(result.bestValidationAccuracy).toBeGreaterThan(0.9);
    expect(result.samplesPerSecond).toBeGreaterThan(0);
  });

  it('is reproducible: same seed, same history', async () => {
    const train = toySet(48, 1);
    const validation = toySet(24, 2);
    const config = resolveTrainConfig({ epochs: 2, batchSize: 16, seed: 9 });
    const a = await trainClassifier(buildDsCnn(tiny, 3), train, validation, config);
    const b = await trainClassifier(buildDsCnn(tiny, 3), train, validation, config);
    expect(a.history.map((h) => h.loss)).toEqual(b.history.map((h) => h.loss));
  });

  it('stops early when validation accuracy stalls', async () => {
    const train = toySet(48, 1);
    // Validation labels carry no signal, so accuracy cannot keep improving.
    const validation = { ...toySet(30, 2), labels: new Int32Array(30).fill(0) };
    const result = await trainClassifier(buildDsCnn(tiny, 3), train, validation, resolveTrainConfig({ epochs: 30, batchSize: 16, earlyStopping: { patience: 2, minDelta: 0.5 } }));
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBe(3);
  });

  it('distils: with α = 1 the student learns what the teacher says, not the labels', async () => {
    const train = toySet(96, 1);
    const validation = toySet(48, 2);
    // A teacher that confidently calls class c "c+1 mod 3": only the teacher term can teach that mapping.
    const teacher = new Float32Array(train.count * 3);
    train.labels.forEach((label, i) => (teacher[i * 3 + ((label + 1) % 3)] = 6));
    const shifted = { ...validation, labels: validation.labels.map((l) => (l + 1) % 3) };
    const config = resolveTrainConfig({ epochs: 6, batchSize: 16, learningRate: 1e-2, seed: 5, loss: { kind: 'distillation', alpha: 1, temperature: 2 } });
    const model = buildDsCnn(tiny, 3);
    // Validation scores the teacher's mapping, so the epoch kept is the one that learned it best.
    await trainClassifier(model, train, shifted, config, undefined, { teacherLogits: [teacher] });
    expect(accuracyOf(predictLogits(model, validation), shifted.labels)).toBeGreaterThan(0.9);
  });

  it('draws rows from augmented views and SpecAugment masks reproducibly, and checks views and teacher logits before training', async () => {
    const train = toySet(48, 1);
    const validation = toySet(24, 2);
    const view = { ...toySet(48, 7), labels: train.labels };
    const config = resolveTrainConfig({ epochs: 2, batchSize: 16, seed: 9 });
    const plain = await trainClassifier(buildDsCnn(tiny, 3), train, validation, config);
    const a = await trainClassifier(buildDsCnn(tiny, 3), train, validation, config, undefined, { views: [view] });
    const b = await trainClassifier(buildDsCnn(tiny, 3), train, validation, config, undefined, { views: [view] });
    expect(a.history.map((h) => h.loss)).toEqual(b.history.map((h) => h.loss));
    expect(a.history.map((h) => h.loss)).not.toEqual(plain.history.map((h) => h.loss));

    const masked = resolveTrainConfig({ ...config, specAugment: { timeMasks: 2, maxTimeMaskFrames: 4, freqMasks: 1, maxFreqMaskBins: 2 } });
    const m1 = await trainClassifier(buildDsCnn(tiny, 3), train, validation, masked);
    const m2 = await trainClassifier(buildDsCnn(tiny, 3), train, validation, masked);
    expect(m1.history.map((h) => h.loss)).toEqual(m2.history.map((h) => h.loss));
    expect(m1.history.map((h) => h.loss)).not.toEqual(plain.history.map((h) => h.loss));
    // The masks are drawn on the batch copy: the caller's features are never touched.
    expect(train.features).toEqual(toySet(48, 1).features);

    const wrongLabels = { ...view, labels: new Int32Array(48) };
    await expect(trainClassifier(buildDsCnn(tiny, 3), train, validation, config, undefined, { views: [wrongLabels] })).rejects.toThrow(/Augmented view 1 .* must hold the training rows in the same order/);
    const distill = resolveTrainConfig({ ...config, loss: { kind: 'distillation', alpha: 0.5, temperature: 2 } });
    await expect(trainClassifier(buildDsCnn(tiny, 3), train, validation, distill)).rejects.toThrow(/needs teacherLogits; got none/);
    await expect(trainClassifier(buildDsCnn(tiny, 3), train, validation, distill, undefined, { teacherLogits: [new Float32Array(10)] })).rejects.toThrow(
      'Teacher logits 0 passed to \'trainClassifier\' must hold 48 rows × 3 classes = 144 values; got 10',
    );
  });

  it('records monitored sets every epoch without steering training: same weights, best epoch chosen on validation only', async () => {
    const train = toySet(96, 1);
    const validation = toySet(48, 2);
    const other = toySet(40, 11);
    // A set whose labels are shifted by one: its accuracy falls as the model learns, so selecting on it would pick another epoch.
    const shifted = { ...other, labels: other.labels.map((l) => (l + 1) % 3) };
    const config = resolveTrainConfig({ epochs: 4, batchSize: 16, learningRate: 1e-2, seed: 5 });
    const plainModel = buildDsCnn(tiny, 3);
    const plain = await trainClassifier(plainModel, train, validation, config);
    const model = buildDsCnn(tiny, 3);
    const before = tf.memory().numTensors;
    const monitored = await trainClassifier(model, train, validation, config, undefined, { monitor: [{ name: 'other', set: other }, { name: 'shifted', set: shifted }] });
    expect(tf.memory().numTensors).toBe(before);
    expect(monitored.history.map((h) => h.loss)).toEqual(plain.history.map((h) => h.loss));
    expect(monitored.bestEpoch).toBe(plain.bestEpoch);
    expect(plain.history.every((h) => h.monitored === undefined)).toBe(true);
    // The last epoch's figure is the accuracy of that epoch's weights: re-measure it on a model left at the last epoch.
    const last = monitored.history.at(-1)!;
    expect(Object.keys(last.monitored ?? {})).toEqual(['other', 'shifted']);
    monitored.history.forEach((h) => expect((h.monitored?.['other'] ?? 0) + (h.monitored?.['shifted'] ?? 0)).toBeLessThanOrEqual(1 + 1e-9));
    const atBest = monitored.history.find((h) => h.epoch === monitored.bestEpoch)!;
    expect(accuracyOf(predictLogits(model, other), other.labels)).toBeCloseTo(atBest.monitored?.['other'] ?? -1, 6);
    expect(atBest.monitored?.['other']).toBeGreaterThan(0.9);
    expect(plainModel.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(model.getWeights().map((w) => Array.from(w.dataSync())));

    await expect(trainClassifier(buildDsCnn(tiny, 3), train, validation, config, undefined, { monitor: [{ name: 'wide', set: toyBandSet(4, 1, { frames: FRAMES, bins: BINS + 1, bandWidth: 3, noise: 0.3 }) }] })).rejects.toThrow(
      "Monitor set 'wide' passed to 'trainClassifier' must hold at least one row of 16x8 features, like the training rows; got 4 rows of 16x9",
    );
    await expect(trainClassifier(buildDsCnn(tiny, 3), train, validation, config, undefined, { monitor: [{ name: 'a', set: other }, { name: 'a', set: other }] })).rejects.toThrow("got 'a' twice");
  });

  it("with keep 'last-epoch' runs every epoch and ends with the last one's weights, whatever validation says", async () => {
    const train = toySet(48, 1);
    // Validation labels carry no signal: best-validation stops early on it; last-epoch must not.
    const validation = { ...toySet(30, 2), labels: new Int32Array(30).fill(0) };
    const base = { epochs: 5, batchSize: 16, learningRate: 1e-2, seed: 3, earlyStopping: { patience: 1, minDelta: 0.5 } };
    const best = await trainClassifier(buildDsCnn(tiny, 3), train, validation, resolveTrainConfig(base));
    expect(best.stoppedEarly).toBe(true);
    const model = buildDsCnn(tiny, 3);
    const last = await trainClassifier(model, train, validation, resolveTrainConfig({ ...base, keep: 'last-epoch' }));
    expect(last.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect([last.bestEpoch, last.stoppedEarly]).toEqual([5, false]);
    // The same steps as the early-stopped run for the epochs both ran: keeping changes no gradient.
    expect(last.history.slice(0, best.history.length).map((h) => h.loss)).toEqual(best.history.map((h) => h.loss));
    // The model holds epoch 5's training weights: the checkpoint written after epoch 5 has them as its current weights.
    const dir = await mkdtemp(join(tmpdir(), 'whittle-keep-last-'));
    const checkpointed = buildDsCnn(tiny, 3);
    await trainClassifier(checkpointed, train, validation, resolveTrainConfig({ ...base, keep: 'last-epoch' }), undefined, { checkpointDir: dir });
    const checkpoint = (await readTrainCheckpoint(dir))!;
    expect(checkpoint.epoch).toBe(5);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(checkpoint.modelWeights.map((w) => Array.from(w.dataSync())));
    disposeTrainCheckpoint(checkpoint);
    expect(last.bestValidationAccuracy).toBe(last.history.at(-1)?.validationAccuracy);
  });

  it('rejects bad config with the field and the value', () => {
    expect(() => resolveTrainConfig({ batchSize: 0 })).toThrow("Argument 'batchSize' passed to 'train' must be an integer in [1, 4096]; got 0");
    expect(() => resolveTrainConfig({ keep: 'best' as never })).toThrow("Argument 'keep' passed to 'train' must be one of 'best-validation', 'last-epoch'; got \"best\"");
    expect(Object.keys(trainConfigIdentity(resolveTrainConfig({})))).not.toContain('keep');
    expect(trainConfigIdentity(resolveTrainConfig({ keep: 'last-epoch' })).keep).toBe('last-epoch');
  });
});

describe('trainClassifier with label smoothing and mixup', () => {
  const regularised = { labelSmoothing: 0.1, mixup: { probability: 0.5, alpha: 0.2 } };
  const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

  it('still learns the toy task, reproducibly, and is not the unregularised run', async () => {
    const train = toySet(96, 1);
    const validation = toySet(48, 2);
    const config = resolveTrainConfig({ epochs: 6, batchSize: 16, learningRate: 1e-2, seed: 5, ...regularised });
    const model = buildDsCnn(tiny, 3);
    const before = tf.memory().numTensors;
    const a = await trainClassifier(model, train, validation, config);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.bestValidationAccuracy).toBeGreaterThan(0.9);
    expect(accuracyOf(predictLogits(model, validation), validation.labels)).toBeGreaterThan(0.9);
    const b = await trainClassifier(buildDsCnn(tiny, 3), train, validation, config);
    expect(b.history.map((h) => h.loss)).toEqual(a.history.map((h) => h.loss));
    const plain = await trainClassifier(buildDsCnn(tiny, 3), train, validation, resolveTrainConfig({ ...config, labelSmoothing: 0, mixup: { probability: 0, alpha: 0.2 } }));
    expect(plain.history[0]?.loss).not.toBe(a.history[0]?.loss);
    // The caller's features are never mixed in place.
    expect(train.features).toEqual(toySet(96, 1).features);
  });

  it('when off, trains bit for bit as before they existed: loss history and weights recorded at 3c646d9^ (mixup alpha alone draws nothing)', async () => {
    // Recorded on the cpu backend by running this very setup with the trainer of commit 3c646d9^, the last one
    // without label smoothing and mixup: the per-epoch [loss, train accuracy] and a SHA-256 of the final weights' bytes.
    const RECORDED = {
      crossEntropy: {
        history: [
          [1.371557076772054, 0.3541666666666667],
          [1.1987772782643635, 0.3541666666666667],
        ],
        weights: 'aedc2e64ac453661218d0318327b79f0e4e990c0a7d5043e18a3190d5b02ff86',
      },
      distillation: {
        history: [
          [2.228020509084066, 0.3541666666666667],
          [2.1323047081629434, 0.3541666666666667],
        ],
        weights: 'f3d2884358f0bec170a2722d3377da06496e47d5296762ff3de9cade70522ac9',
      },
    };
    const weightDigest = (model: tf.LayersModel) => {
      const hash = createHash('sha256');
      for (const w of model.getWeights()) hash.update(new Uint8Array((w.dataSync() as Float32Array).slice().buffer));
      return hash.digest('hex');
    };
    const train = toySet(48, 1);
    const validation = toySet(24, 2);
    const base = resolveTrainConfig({ epochs: 2, batchSize: 16, seed: 9, specAugment: { timeMasks: 1, maxTimeMaskFrames: 3, freqMasks: 1, maxFreqMaskBins: 2 } });
    const off = resolveTrainConfig({ ...base, labelSmoothing: 0, mixup: { probability: 0, alpha: 3 } });
    for (const config of [base, off]) {
      const model = buildDsCnn(tiny, 3);
      const result = await trainClassifier(model, train, validation, config);
      expect(result.history.map((h) => [h.loss, h.trainAccuracy])).toEqual(RECORDED.crossEntropy.history);
      expect(weightDigest(model)).toBe(RECORDED.crossEntropy.weights);
    }
    const teacher = new Float32Array(train.count * 3);
    train.labels.forEach((label, i) => (teacher[i * 3 + ((label + 1) % 3)] = 6));
    const student = buildDsCnn(tiny, 3);
    const distilled = await trainClassifier(student, train, validation, resolveTrainConfig({ ...off, loss: { kind: 'distillation', alpha: 0.7, temperature: 2 } }), undefined, {
      teacherLogits: [teacher],
    });
    expect(distilled.history.map((h) => [h.loss, h.trainAccuracy])).toEqual(RECORDED.distillation.history);
    expect(weightDigest(student)).toBe(RECORDED.distillation.weights);
  });

  it('mixes the inputs the engine trains on: each row is λ·its own row + (1−λ)·a partner’s, and its target the same mix of their labels', async () => {
    const train = toySet(48, 1);
    const validation = toySet(24, 2);
    const stride = FRAMES * BINS;
    const recorded = (into: TrainBatch[]) => async (_model: tf.LayersModel, variables: readonly tf.Variable[]): Promise<GradientEngine> => ({
      workers: 1,
      // Copies: the trainer refills the same buffers for every batch. Zero gradients leave the weights alone.
      compute: async (batch) => {
        into.push({
          ...batch,
          x: batch.x.slice(0, batch.count * stride),
          labels: batch.labels.slice(0, batch.count),
          ...(batch.targets === undefined ? {} : { targets: batch.targets.slice(0, batch.count * 3) }),
        });
        return { grads: variables.map((v) => tf.zerosLike(v)), loss: 0, correct: 0 };
      },
      dispose: async () => {},
    });
    // One epoch, no views or masks: the order is the epoch's first draw, so both runs see the same rows in the same
    // batches, and the unmixed run's batches are the mixed run's inputs before mixing.
    const config = resolveTrainConfig({ epochs: 1, batchSize: 16, seed: 9, mixup: { probability: 1, alpha: 1 } });
    const mixedBatches: TrainBatch[] = [];
    const plainBatches: TrainBatch[] = [];
    await trainClassifier(buildDsCnn(tiny, 3), train, validation, config, undefined, { engine: recorded(mixedBatches) });
    await trainClassifier(buildDsCnn(tiny, 3), train, validation, resolveTrainConfig({ ...config, mixup: { probability: 0, alpha: 1 } }), undefined, { engine: recorded(plainBatches) });
    expect(mixedBatches).toHaveLength(3);
    expect(plainBatches).toHaveLength(3);
    expect(plainBatches.every((b) => b.targets === undefined)).toBe(true);

    let checked = 0;
    mixedBatches.forEach((mixed, s) => {
      const plain = plainBatches[s] as TrainBatch;
      const targets = mixed.targets as Float32Array;
      expect(targets).toBeDefined();
      const row = (x: Float32Array, i: number) => x.subarray(i * stride, (i + 1) * stride);
      // λ is the own label's share in any row whose partner has another label.
      const twoClass = Array.from({ length: mixed.count }, (_, i) => i).find((i) => targets.subarray(i * 3, i * 3 + 3).filter((v) => v > 0).length === 2);
      if (twoClass === undefined) return;
      const lambda = targets[twoClass * 3 + (plain.labels[twoClass] as number)] as number;
      // Near 0 or 1 a mix is too close to a plain row to tell partners apart.
      if (lambda < 0.1 || lambda > 0.9) return;
      checked++;
      expect(Array.from(mixed.x), `batch ${s}: the rows the engine got are the unmixed ones`).not.toEqual(Array.from(plain.x));
      const partners = Array.from({ length: mixed.count }, (_, i) => {
        const own = row(plain.x, i);
        const x = row(mixed.x, i);
        const misfit = (j: number) => {
          const other = row(plain.x, j);
          return x.reduce((worst, v, k) => Math.max(worst, Math.abs(v - (lambda * (own[k] as number) + (1 - lambda) * (other[k] as number)))), 0);
        };
        const j = Array.from({ length: mixed.count }, (_, c) => c).reduce((best, c) => (misfit(c) < misfit(best) ? c : best), 0);
        expect(misfit(j), `batch ${s} row ${i}`).toBeLessThan(1e-5);
        const expected = [0, 1, 2].map((c) => (c === plain.labels[i] ? lambda : 0) + (c === plain.labels[j] ? 1 - lambda : 0));
        Array.from(targets.subarray(i * 3, i * 3 + 3)).forEach((v, c) => expect(v, `batch ${s} row ${i} class ${c}`).toBeCloseTo(expected[c] as number, 6));
        expect(mixed.labels[i]).toBe(lambda >= 0.5 ? plain.labels[i] : plain.labels[j]);
        return j;
      });
      // The partners are a permutation of the batch, and not the identity: rows really were blended with others.
      expect([...partners].sort((a, b) => a - b)).toEqual(Array.from({ length: mixed.count }, (_, i) => i));
      expect(partners.some((j, i) => j !== i)).toBe(true);
    });
    expect(checked).toBeGreaterThan(0);
  });

  it('mixes distillation targets too, and the student still learns what the teacher says', async () => {
    const train = toySet(96, 1);
    const validation = toySet(48, 2);
    const teacher = new Float32Array(train.count * 3);
    train.labels.forEach((label, i) => (teacher[i * 3 + ((label + 1) % 3)] = 6));
    const shifted = { ...validation, labels: validation.labels.map((l) => (l + 1) % 3) };
    const config = resolveTrainConfig({ epochs: 6, batchSize: 16, learningRate: 1e-2, seed: 5, loss: { kind: 'distillation', alpha: 0.9, temperature: 2 }, ...regularised });
    const model = buildDsCnn(tiny, 3);
    const result = await trainClassifier(model, train, shifted, config, undefined, { teacherLogits: [teacher] });
    expect(result.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    expect(accuracyOf(predictLogits(model, validation), shifted.labels)).toBeGreaterThan(0.9);
    // The cached logits are mixed on the batch copy only.
    expect(teacher.filter((v) => v !== 0 && v !== 6)).toHaveLength(0);
  });

  it('resumes an interrupted run to the same weight bits: mixup draws come from the checkpointed generator', async () => {
    const train = toyBandSet(40, 1, { frames: FRAMES, bins: BINS, bandWidth: 3, noise: 0.5 });
    const validation = toySet(24, 2);
    // mixup probability 0.5: both the coin and λ/permutation draws must land where the uninterrupted run had them.
    const config = resolveTrainConfig({ epochs: 3, batchSize: 8, learningRate: 1e-2, seed: 9, earlyStopping: { patience: 10, minDelta: 0 }, ...regularised });
    const bits = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(new Uint32Array((w.dataSync() as Float32Array).slice().buffer)));
    const reference = buildDsCnn(tiny, 3);
    const uninterrupted = await trainClassifier(reference, train, validation, config);

    const dir = await mkdtemp(join(tmpdir(), 'whittle-mixup-ckpt-'));
    const controller = new AbortController();
    const abortAt = {
      ...SILENT_REPORTER,
      progress: (e: ProgressEvent) => {
        if (e.stage === `train epoch 2/${config.epochs}` && e.done === 3) controller.abort();
      },
    };
    const stopped = await trainClassifier(buildDsCnn(tiny, 3), train, validation, config, abortAt, { checkpointDir: dir, signal: controller.signal }).catch((err: unknown) => err);
    expect(stopped).toBeInstanceOf(TrainingInterruptedError);
    const resumedModel = buildDsCnn(tiny, 3);
    const resumed = await trainClassifier(resumedModel, train, validation, config, undefined, { checkpointDir: dir, resume: true });
    expect(resumed.resumedFromEpoch).toBe(1);
    expect(resumed.history.map((h) => [h.loss, h.trainAccuracy, h.validationAccuracy])).toEqual(uninterrupted.history.map((h) => [h.loss, h.trainAccuracy, h.validationAccuracy]));
    expect(bits(resumedModel)).toEqual(bits(reference));
  });

  it('rejects bad regulariser settings with the field and the value', () => {
    expect(() => resolveTrainConfig({ labelSmoothing: 1 })).toThrow("Argument 'labelSmoothing' passed to 'train' must be a number in [0, 1); got 1");
    expect(() => resolveTrainConfig({ mixup: { probability: 0.5, alpha: -1 } })).toThrow("Argument 'mixup.alpha' passed to 'train' must be a finite number > 0; got -1");
  });
});

describe('trainClassifier with a weight average', () => {
  const bits = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(new Uint32Array((w.dataSync() as Float32Array).slice().buffer)));

  it('validates and keeps the averaged weights: reproducible, not the plain run, and no tensor left behind', async () => {
    const train = toySet(96, 1);
    const validation = toySet(48, 2);
    const base = { epochs: 4, batchSize: 16, learningRate: 1e-2, seed: 5, earlyStopping: { patience: 10, minDelta: 0 } };
    const plain = await trainClassifier(buildDsCnn(tiny, 3), train, validation, resolveTrainConfig(base));
    const config = resolveTrainConfig({ ...base, weightAverageDecay: 0.9 });
    const model = buildDsCnn(tiny, 3);
    const before = tf.memory().numTensors;
    const a = await trainClassifier(model, train, validation, config);
    expect(tf.memory().numTensors).toBe(before);
    const b = await trainClassifier(buildDsCnn(tiny, 3), train, validation, config);
    expect(a.history).toEqual(b.history.map((h, i) => ({ ...h, seconds: a.history[i]!.seconds, samplesPerSecond: a.history[i]!.samplesPerSecond })));
    // The steps are the plain run's (same gradients: the average never feeds back), only what is measured differs.
    expect(a.history.map((h) => h.loss)).toEqual(plain.history.map((h) => h.loss));
    expect(a.history.map((h) => h.validationAccuracy)).not.toEqual(plain.history.map((h) => h.validationAccuracy));
    // The model holds the best epoch's average: re-measuring it gives the recorded accuracy.
    expect(accuracyOf(predictLogits(model, validation), validation.labels)).toBeCloseTo(a.bestValidationAccuracy, 6);
    expect(a.bestValidationAccuracy).toBeGreaterThan(0.9);
  });

  it('resumes an interrupted run to the same weight bits: the average is checkpointed', async () => {
    const train = toySet(40, 1);
    const validation = toySet(24, 2);
    const config = resolveTrainConfig({ epochs: 3, batchSize: 8, learningRate: 1e-2, seed: 9, earlyStopping: { patience: 10, minDelta: 0 }, weightAverageDecay: 0.95 });
    const reference = buildDsCnn(tiny, 3);
    const uninterrupted = await trainClassifier(reference, train, validation, config);
    const dir = await mkdtemp(join(tmpdir(), 'whittle-average-ckpt-'));
    const controller = new AbortController();
    const abortAt = { ...SILENT_REPORTER, progress: (e: ProgressEvent) => void (e.stage === `train epoch 2/${config.epochs}` && e.done === 2 && controller.abort()) };
    const stopped = await trainClassifier(buildDsCnn(tiny, 3), train, validation, config, abortAt, { checkpointDir: dir, signal: controller.signal }).catch((err: unknown) => err);
    expect(stopped).toBeInstanceOf(TrainingInterruptedError);
    const resumedModel = buildDsCnn(tiny, 3);
    const resumed = await trainClassifier(resumedModel, train, validation, config, undefined, { checkpointDir: dir, resume: true });
    expect(resumed.resumedFromEpoch).toBe(1);
    expect(resumed.history.map((h) => [h.loss, h.validationAccuracy])).toEqual(uninterrupted.history.map((h) => [h.loss, h.validationAccuracy]));
    expect(bits(resumedModel)).toEqual(bits(reference));
  });

  it('leaves the run identity unchanged when off, and rejects a decay outside [0, 1)', () => {
    expect(Object.keys(trainConfigIdentity(resolveTrainConfig({})))).not.toContain('weightAverageDecay');
    expect(trainConfigIdentity(resolveTrainConfig({ weightAverageDecay: 0.99 })).weightAverageDecay).toBe(0.99);
    expect(() => resolveTrainConfig({ weightAverageDecay: 1 })).toThrow("Argument 'weightAverageDecay' passed to 'train' must be a number in [0, 1); got 1");
  });
});

describe('layers model io', () => {
  it('round-trips architecture and weights through model.json + weights.bin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'whittle-model-'));
    const model = buildDsCnn(tiny, 11);
    await saveLayersModel(model, dir);
    const loaded = await loadLayersModel(dir);
    const x = toySet(4, 3);
    expect(Array.from(predictLogits(loaded, x))).toEqual(Array.from(predictLogits(model, x)));
  });

  it('names the file when model.json is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'whittle-model-'));
    await expect(loadLayersModel(dir)).rejects.toThrow(/model\.json: cannot read tfjs model/);
  });
});
