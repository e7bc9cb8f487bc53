// Checkpoint/resume of trainClassifier: an interrupted and resumed run ends bit-identical to an uninterrupted one.
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SILENT_REPORTER, WhittleError, type ProgressEvent, type Reporter } from '@whittle/datasets';
import { buildDsCnn, DS_CNN_S } from '../models/ds-cnn.ts';
import { toyBandSet } from '../testing/toy-band-set.ts';
import { latestCheckpoint } from './train-checkpoint.ts';
import { trainClassifier, type TrainOptions, type TrainResult } from './train-classifier.ts';
import { resolveTrainConfig } from './train-config.ts';
import { TrainingInterruptedError } from './training-interrupted-error.ts';

const FRAMES = 12;
const BINS = 6;
// Dropout on, so the test also covers tfjs' seeded dropout across a resume.
const tiny = { ...DS_CNN_S, inputFrames: FRAMES, inputBins: BINS, numClasses: 3, channels: 6, blocks: 1, dropout: 0.2 };
const MODEL_SEED = 3;
const TRAIN_ROWS = 40;
// 40 rows / batch 8 = 5 steps per epoch, so the resumes land on Adam step 5 and 10: at step 5 tfjs' own
// setWeights() would get beta2^t wrong in the last bit, which this test must catch. Patience lets all 4 epochs run.
const config = resolveTrainConfig({ epochs: 4, batchSize: 8, learningRate: 1e-2, seed: 9, earlyStopping: { patience: 10, minDelta: 0 } });

const toySet = (count: number, seed: number) => toyBandSet(count, seed, { frames: FRAMES, bins: BINS, bandWidth: 2, noise: 0.5 });

/** A reporter that aborts when the progress of `stage` reaches step `done`, or runs `onInfo` on each info line. */
function hooks(on: { abortAt?: { controller: AbortController; stage: string; done: number }; onInfo?: (line: string) => void }): Reporter {
  return {
    ...SILENT_REPORTER,
    progress: (e: ProgressEvent) => {
      if (on.abortAt !== undefined && e.stage === on.abortAt.stage && e.done === on.abortAt.done) on.abortAt.controller.abort();
    },
    info: (line: string) => on.onInfo?.(line),
  };
}

function bitsOf(model: tf.LayersModel): Uint8Array[] {
  return model.getWeights().map((w) => {
    const data = w.dataSync() as Float32Array;
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  });
}

function comparable(result: TrainResult) {
  return result.history.map((h) => ({ epoch: h.epoch, loss: h.loss, trainAccuracy: h.trainAccuracy, validationAccuracy: h.validationAccuracy, learningRate: h.learningRate }));
}

async function interruptedRun(dir: string, epoch: number, done: number, options: Partial<TrainOptions> = {}): Promise<TrainingInterruptedError> {
  const controller = new AbortController();
  const model = buildDsCnn(tiny, MODEL_SEED);
  const reporter = hooks({ abortAt: { controller, stage: `train epoch ${epoch}/${config.epochs}`, done } });
  const error = await trainClassifier(model, toySet(TRAIN_ROWS, 1), toySet(24, 2), config, reporter, { checkpointDir: dir, signal: controller.signal, ...options }).then(
    () => undefined,
    (err: unknown) => err,
  );
  model.dispose();
  expect(error).toBeInstanceOf(TrainingInterruptedError);
  return error as TrainingInterruptedError;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('trainClassifier checkpoints', () => {
  let reference: { result: TrainResult; weights: Uint8Array[] };

  beforeAll(async () => {
    // The uninterrupted run uses no options at all: resuming must reproduce the default path exactly.
    const model = buildDsCnn(tiny, MODEL_SEED);
    const result = await trainClassifier(model, toySet(TRAIN_ROWS, 1), toySet(24, 2), config);
    reference = { result, weights: bitsOf(model) };
    model.dispose();
    expect(result.history).toHaveLength(4);
  });

  it('interrupted mid-epoch 2 and again mid-epoch 3, resumed from Adam steps 5 and 10: every weight bit and the history equal the uninterrupted run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'whittle-ckpt-'));
    const before = tf.memory().numTensors;

    const first = await interruptedRun(dir, 2, 3);
    expect(first.code).toBe('INTERRUPTED');
    expect(first.message).toBe(`Training interrupted at epoch 2/4, step 3/5 (global step 8); \`--resume\` continues from the last checkpoint (epoch 1) in ${dir}`);
    expect(first.checkpointEpoch).toBe(1);
    expect(await latestCheckpoint(dir)).toEqual({ epoch: 1, path: join(dir, 'epoch-0001') });

    const second = await interruptedRun(dir, 3, 2, { resume: true });
    expect(second.message).toContain('at epoch 3/4, step 2/5 (global step 12)');
    expect(second.checkpointEpoch).toBe(2);
    expect(tf.memory().numTensors).toBe(before);

    const model = buildDsCnn(tiny, MODEL_SEED);
    const lines: string[] = [];
    const resumed = await trainClassifier(model, toySet(TRAIN_ROWS, 1), toySet(24, 2), config, hooks({ onInfo: (l) => lines.push(l) }), { checkpointDir: dir, resume: true });
    expect(lines[0]).toBe(`resuming from ${join(dir, 'epoch-0002')}: epoch 2/4 done, global step 10`);
    expect(resumed.resumedFromEpoch).toBe(2);
    expect(comparable(resumed)).toEqual(comparable(reference.result));
    expect(resumed.bestEpoch).toBe(reference.result.bestEpoch);
    const weights = bitsOf(model);
    expect(weights).toHaveLength(reference.weights.length);
    weights.forEach((w, i) => expect(Buffer.from(w).equals(Buffer.from(reference.weights[i] as Uint8Array)), `weight ${i}`).toBe(true));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(await latestCheckpoint(dir)).toEqual({ epoch: 4, path: join(dir, 'epoch-0004') });
  });

  it('keeps the last good checkpoint when the loss turns NaN, and that checkpoint still resumes exactly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'whittle-ckpt-'));
    const train = toySet(TRAIN_ROWS, 1);
    const original = train.features[0] as number;
    // Poison row 0 once epoch 1 is done, so the NaN appears in epoch 2 (after the epoch-1 checkpoint).
    const poison = hooks({ onInfo: (l) => void (l.startsWith('epoch 1/') && (train.features[0] = Number.NaN)) });
    const model = buildDsCnn(tiny, MODEL_SEED);
    const before = tf.memory().numTensors;
    const error = await trainClassifier(model, train, toySet(24, 2), config, poison, { checkpointDir: dir }).catch((e: unknown) => e);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    expect(error).toBeInstanceOf(WhittleError);
    expect((error as WhittleError).code).toBe('NUMERIC');
    expect((error as Error).message).toMatch(new RegExp(`^Training loss became NaN at epoch 2, step \\d; the last good checkpoint \\(epoch 1, ${join(dir, 'epoch-0001')}\\) is kept$`));
    expect(await latestCheckpoint(dir)).toEqual({ epoch: 1, path: join(dir, 'epoch-0001') });

    train.features[0] = original;
    const again = buildDsCnn(tiny, MODEL_SEED);
    const resumed = await trainClassifier(again, train, toySet(24, 2), config, SILENT_REPORTER, { checkpointDir: dir, resume: true });
    expect(comparable(resumed)).toEqual(comparable(reference.result));
    bitsOf(again).forEach((w, i) => expect(Buffer.from(w).equals(Buffer.from(reference.weights[i] as Uint8Array)), `weight ${i}`).toBe(true));
    again.dispose();
  });

  it('says when NaN strikes before any checkpoint exists', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'whittle-ckpt-'));
    const train = toySet(TRAIN_ROWS, 1);
    train.features[5] = Number.POSITIVE_INFINITY;
    const model = buildDsCnn(tiny, MODEL_SEED);
    await expect(trainClassifier(model, train, toySet(24, 2), config, SILENT_REPORTER, { checkpointDir: dir })).rejects.toThrow(
      new RegExp(`at epoch 1, step \\d; no checkpoint is kept \\(no epoch had finished in ${dir}\\)$`),
    );
    model.dispose();
    expect(await latestCheckpoint(dir)).toBeUndefined();
  });

  it('refuses to resume a different job, naming each difference, and refuses to overwrite without resume', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'whittle-ckpt-'));
    const oneEpoch = resolveTrainConfig({ ...config, epochs: 1 });
    const model = buildDsCnn(tiny, MODEL_SEED);
    const done = await trainClassifier(model, toySet(TRAIN_ROWS, 1), toySet(24, 2), oneEpoch, SILENT_REPORTER, { checkpointDir: dir });
    const state = JSON.parse(await readFile(join(dir, 'epoch-0001', 'state.json'), 'utf8')) as { finished: boolean; globalStep: number; random: { algorithm: string } };
    expect(state).toMatchObject({ finished: true, globalStep: 5, random: { algorithm: 'mulberry32' } });

    const changed = resolveTrainConfig({ ...oneEpoch, learningRate: 2e-2 });
    const err = await trainClassifier(model, toySet(32, 1), toySet(24, 2), changed, SILENT_REPORTER, { checkpointDir: dir, resume: true }).catch((e: unknown) => e);
    expect((err as WhittleError).code).toBe('INVALID_CONFIG');
    expect((err as Error).message).toContain(`Cannot resume from ${join(dir, 'epoch-0001')}: it belongs to a different training job (config learningRate: checkpoint 0.01, now 0.02; train data: checkpoint 40 rows of 12x6`);
    expect((err as Error).message).toContain('now 32 rows of 12x6');
    expect((err as Error).message).not.toContain('validation data');

    await expect(trainClassifier(model, toySet(TRAIN_ROWS, 1), toySet(24, 2), oneEpoch, SILENT_REPORTER, { checkpointDir: dir })).rejects.toThrow(
      `${dir} already holds a checkpoint of an earlier run (epoch 1); refusing to overwrite it`,
    );

    // A finished checkpoint resumes to the same result without training.
    const again = await trainClassifier(model, toySet(TRAIN_ROWS, 1), toySet(24, 2), oneEpoch, SILENT_REPORTER, { checkpointDir: dir, resume: true });
    expect(comparable(again)).toEqual(comparable(done));
    expect(again.resumedFromEpoch).toBe(1);
    model.dispose();
  });

  it('stops before the first step when already aborted, writing nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'whittle-ckpt-'));
    const controller = new AbortController();
    controller.abort();
    const model = buildDsCnn(tiny, MODEL_SEED);
    await expect(trainClassifier(model, toySet(TRAIN_ROWS, 1), toySet(24, 2), config, SILENT_REPORTER, { checkpointDir: dir, signal: controller.signal })).rejects.toThrow(
      `Training interrupted before the first step of epoch 1/4 (global step 0); no epoch had finished, so there is no checkpoint in ${dir} and a rerun starts from epoch 1`,
    );
    model.dispose();
    expect(await latestCheckpoint(dir)).toBeUndefined();
  });

  it('rejects resume without a checkpoint directory', async () => {
    await expect(trainClassifier(buildDsCnn(tiny, MODEL_SEED), toySet(8, 1), toySet(8, 2), config, SILENT_REPORTER, { resume: true })).rejects.toThrow(
      "Option 'resume' passed to 'trainClassifier' needs 'checkpointDir'",
    );
  });
});
