// Supervised training loop: seeded shuffles, Adam with cosine decay, per-epoch validation, best weights kept.

import * as tf from '@tensorflow/tfjs';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { ConfigError, SeededRandom, specAugmentActive, specAugmentRows, SILENT_REPORTER, WhittleError, type FeatureSet, type Reporter } from '@whittle/datasets';
import { captureAdamState, disposeAdamState, restoreAdamState } from './adam-state.ts';
import { localGradientEngine, type GradientEngine, type TrainBatch } from './batch-gradients.ts';
import { drawMixup, mixRows, mixTargets, mixTeacherLogits } from './mixup.ts';
import { parallelGradientEngine } from './parallel/parallel-gradient-engine.ts';
import { checkpointPath, disposeTrainCheckpoint, latestCheckpoint, readTrainCheckpoint, writeTrainCheckpoint } from './train-checkpoint.ts';
import type { TrainConfig } from './train-config.ts';
import { fingerprintDifferences, trainFingerprint, type TrainFingerprint } from './train-fingerprint.ts';
import { formatTrainProgress } from './train-progress.ts';
import { TrainingInterruptedError } from './training-interrupted-error.ts';
import { WeightAverage } from './weight-average.ts';

export interface EpochRecord {
  readonly epoch: number;
  readonly loss: number;
  /** Hits on the training batches as trained (augmented; a mixed row counts against the label with the larger share). */
  readonly trainAccuracy: number;
  readonly validationAccuracy: number;
  readonly learningRate: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
  /** Accuracy on each `TrainOptions.monitor` set after this epoch, by name (absent when nothing is monitored). */
  readonly monitored?: Readonly<Record<string, number>>;
}

/**
 * A labelled set measured after every epoch and recorded in the history, never used to pick the best epoch or to
 * stop early: how accuracy on data unlike validation (another TTS engine, a voice) moves while training.
 */
export interface MonitorSet {
  readonly name: string;
  readonly set: FeatureSet;
}

export interface TrainResult {
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
  readonly bestValidationAccuracy: number;
  /** Mean training throughput over all epochs (forward + backward + update, no validation). */
  readonly samplesPerSecond: number;
  readonly stoppedEarly: boolean;
  /** Wall time of the completed epochs, summed over resumed sessions (a discarded partial epoch is not counted). */
  readonly seconds: number;
  /** Set when this run continued from a checkpoint: the epoch that checkpoint had completed. */
  readonly resumedFromEpoch?: number;
}

/** How a training run survives interruption. No options: no files, no signal, the original behaviour. */
export interface TrainOptions {
  /** Write a checkpoint here after every epoch (atomically; only the latest is kept). */
  readonly checkpointDir?: string;
  /**
   * Continue from the latest checkpoint in `checkpointDir` (a fresh start when there is none). Without it an existing
   * checkpoint is an error, so a forgotten `--resume` never overwrites an unfinished run.
   */
  readonly resume?: boolean;
  /** Checked between steps: once aborted, training stops and throws TrainingInterruptedError. */
  readonly signal?: AbortSignal;
  /**
   * Augmented copies of `train` (same rows, labels and order; e.g. time-shifted, noise-mixed). Every epoch each row is
   * drawn from the original or one of the copies, uniformly and reproducibly per seed.
   */
  readonly views?: readonly FeatureSet[];
  /**
   * Teacher logits for the distillation loss (config.loss.kind 'distillation'): one array of train.count × numClasses
   * per view, the original first, or a single array used for every view.
   */
  readonly teacherLogits?: readonly Float32Array[];
  /** Sets measured after every epoch for the history only (see MonitorSet); they never steer training. */
  readonly monitor?: readonly MonitorSet[];
  /** Computes each step's gradients; default: this thread (see parallel/ for worker threads). */
  readonly engine?: (model: tf.LayersModel, variables: readonly tf.Variable[], config: TrainConfig) => Promise<GradientEngine>;
}

/** Logits of `model` for every row of `set`, batched, in inference mode. */
export function predictLogits(model: tf.LayersModel, set: FeatureSet, batchSize = 256): Float32Array {
  const numClasses = (model.outputs[0]?.shape.at(-1) as number | undefined) ?? 0;
  const out = new Float32Array(set.count * numClasses);
  const stride = set.frames * set.bins;
  for (let start = 0; start < set.count; start += batchSize) {
    const n = Math.min(batchSize, set.count - start);
    const logits = tf.tidy(() => {
      const x = tf.tensor3d(set.features.subarray(start * stride, (start + n) * stride), [n, set.frames, set.bins]);
      return model.predict(x) as tf.Tensor;
    });
    out.set(logits.dataSync() as Float32Array, start * numClasses);
    logits.dispose();
  }
  return out;
}

/** Fraction of rows whose argmax logit equals the label. */
export function accuracyOf(logits: Float32Array, labels: Int32Array): number {
  const numClasses = logits.length / Math.max(labels.length, 1);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if ((logits[i * numClasses + c] as number) > (logits[i * numClasses + best] as number)) best = c;
    if (best === labels[i]) correct++;
  }
  return labels.length === 0 ? 0 : correct / labels.length;
}

/**
 * Train `model` in place on `train`, validating on `validation` after each epoch.
 * The model ends holding the weights of its best validation epoch, or of its last with `keep: 'last-epoch'` (with
 * `weightAverageDecay`, the moving average of the weights is what is validated and kept).
 * With `checkpointDir`, every epoch ends with a checkpoint; `resume: true` continues from it and ends with exactly the
 * weights and history an uninterrupted run would have (on the same backend).
 * @example await trainClassifier(model, train, validation, config, reporter, { checkpointDir: 'run/checkpoints', resume: true, signal })
 */
export async function trainClassifier(
  model: tf.LayersModel,
  train: FeatureSet,
  validation: FeatureSet,
  config: TrainConfig,
  reporter: Reporter = SILENT_REPORTER,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const { checkpointDir, signal } = options;
  if (options.resume === true && checkpointDir === undefined) {
    throw new ConfigError("Option 'resume' passed to 'trainClassifier' needs 'checkpointDir'; got resume: true without a checkpoint directory");
  }
  const numClasses = (model.outputs[0]?.shape.at(-1) as number | undefined) ?? 0;
  const stride = train.frames * train.bins;
  const stepsPerEpoch = Math.ceil(train.count / config.batchSize);
  const totalSteps = stepsPerEpoch * config.epochs;
  const views = [train, ...(options.views ?? [])];
  const teacherLogits = options.teacherLogits ?? [];
  checkTrainInputs(views, teacherLogits, numClasses, config, options.monitor ?? []);
  const fingerprint = checkpointDir === undefined ? undefined : trainFingerprint(config, train, validation, model, { views: views.slice(1), teacherLogits });
  // An explicit variable list fixes the order Adam keys its moments by, so restored moments land on the right weights.
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(config.learningRate);
  const engine = await (options.engine ?? (async (m, v, c) => (c.workers > 1 ? parallelGradientEngine(m, v, c) : localGradientEngine(m, v, c.loss, c.labelSmoothing))))(
    model,
    variables,
    config,
  );
  let rng = new SeededRandom(config.seed ^ 0x5eed);
  let average = config.weightAverageDecay > 0 ? WeightAverage.of(model, config.weightAverageDecay) : undefined;
  // Validation, monitors and the kept weights read the average when there is one.
  const evaluated = <T>(f: () => T): T => (average === undefined ? f() : average.withAveraged(f));
  let history: EpochRecord[] = [];
  let best: { epoch: number; accuracy: number; weights: tf.Tensor[] } | undefined;
  let sinceBest = 0;
  let step = 0;
  let trainSeconds = 0;
  let priorSeconds = 0;
  let firstEpoch = 1;
  let finished = false;
  let resumedFromEpoch: number | undefined;
  let checkpointEpoch: number | undefined;
  const started = performance.now();
  let sessionSteps = 0;
  const batchX = new Float32Array(config.batchSize * stride);
  const batchY = new Int32Array(config.batchSize);
  // Drawn only when masks or the frequency warp are on, so an unaugmented run's random stream is the one it always was.
  const masking = specAugmentActive(config.specAugment);
  const batchTeacher = teacherLogits.length === 0 ? undefined : new Float32Array(config.batchSize * numClasses);
  const mixing = config.mixup.probability > 0;
  const batchTargets = mixing ? new Float32Array(config.batchSize * numClasses) : undefined;
  const unmixed = mixing ? new Float32Array(config.batchSize * Math.max(stride, numClasses)) : undefined;

  try {
    if (checkpointDir !== undefined && fingerprint !== undefined) {
      if (options.resume === true) {
        const checkpoint = await readTrainCheckpoint(checkpointDir);
        if (checkpoint === undefined) {
          reporter.info(`no checkpoint in ${checkpointDir}; starting from epoch 1`);
        } else {
          try {
            const diffs = fingerprintDifferences(checkpoint.fingerprint, fingerprint);
            if (diffs.length > 0) {
              throw new ConfigError(
                `Cannot resume from ${checkpointPath(checkpointDir, checkpoint.epoch)}: it belongs to a different training job (${diffs.join('; ')})`,
                `resume with the config, data and model it was written with, or delete ${checkpointDir} to start over`,
              );
            }
            if (checkpoint.backend !== tf.getBackend()) {
              reporter.warn(`checkpoint was written on the ${checkpoint.backend} backend, resuming on ${tf.getBackend()}: training continues correctly but not bit for bit`);
            }
            model.setWeights([...checkpoint.modelWeights]);
            if (average !== undefined) {
              if (checkpoint.averagedWeights === undefined) throw new ConfigError(`Cannot resume from ${checkpointPath(checkpointDir, checkpoint.epoch)}: it holds no weight average, and weightAverageDecay is ${config.weightAverageDecay}`);
              average.dispose();
              average = WeightAverage.restore(model, config.weightAverageDecay, checkpoint.averagedWeights);
            }
            await restoreAdamState(optimizer, checkpoint.adam);
            rng = SeededRandom.restore(checkpoint.random);
            history = [...checkpoint.history];
            best = { ...checkpoint.best, weights: checkpoint.bestWeights.map((w) => w.clone()) };
            sinceBest = checkpoint.sinceBest;
            step = checkpoint.globalStep;
            trainSeconds = checkpoint.trainSeconds;
            priorSeconds = checkpoint.elapsedSeconds;
            finished = checkpoint.finished;
            firstEpoch = checkpoint.epoch + 1;
            resumedFromEpoch = checkpoint.epoch;
            checkpointEpoch = checkpoint.epoch;
            reporter.info(`resuming from ${checkpointPath(checkpointDir, checkpoint.epoch)}: epoch ${checkpoint.epoch}/${config.epochs} done, global step ${step}${finished ? ' (training had finished)' : ''}`);
          } finally {
            disposeTrainCheckpoint(checkpoint);
          }
        }
      } else {
        const existing = await latestCheckpoint(checkpointDir);
        if (existing !== undefined) {
          throw new WhittleError('ALREADY_EXISTS', `${checkpointDir} already holds a checkpoint of an earlier run (epoch ${existing.epoch}); refusing to overwrite it`, {
            hint: `pass --resume (resume: true) to continue it, or delete ${checkpointDir} to start over`,
          });
        }
      }
    }

    for (let epoch = firstEpoch; epoch <= config.epochs && !finished; epoch++) {
      const order = rng.shuffle(Array.from({ length: train.count }, (_, i) => i));
      const epochStart = performance.now();
      let lossSum = 0;
      let correct = 0;
      let lr = config.learningRate;
      for (let s = 0; s < stepsPerEpoch; s++) {
        if (signal !== undefined) {
          // cpu/wasm reads resolve as microtasks, so without a macrotask turn a SIGINT handler would never get to run.
          await nextMacrotask();
          if (signal.aborted) {
            throw new TrainingInterruptedError({ epoch, epochs: config.epochs, stepsDone: s, stepsPerEpoch, globalStep: step }, { dir: checkpointDir, epoch: checkpointEpoch });
          }
        }
        const rows = order.slice(s * config.batchSize, (s + 1) * config.batchSize);
        rows.forEach((row, i) => {
          // Drawn only when there are copies, so an unaugmented run's random stream is the one it always was.
          const view = views.length > 1 ? rng.int(0, views.length - 1) : 0;
          batchX.set((views[view] as FeatureSet).features.subarray(row * stride, (row + 1) * stride), i * stride);
          batchY[i] = train.labels[row] as number;
          if (batchTeacher !== undefined) {
            const logits = (teacherLogits[teacherLogits.length === 1 ? 0 : view] as Float32Array).subarray(row * numClasses, (row + 1) * numClasses);
            batchTeacher.set(logits, i * numClasses);
          }
        });
        if (masking) specAugmentRows(batchX.subarray(0, rows.length * stride), train.frames, train.bins, config.specAugment, rng);
        // Mixup after the masks: each row keeps masks of its own and the mix blends two augmented rows, as augmenting
        // each clip and then mixing would; masking a mixed row would hide the same time and bins of both clips.
        // Drawn from the same generator, whose state the checkpoint saves, so a resumed run mixes the same pairs.
        const mix = mixing ? drawMixup(config.mixup, rows.length, rng) : undefined;
        if (mix !== undefined && batchTargets !== undefined && unmixed !== undefined) {
          mixRows(batchX, stride, mix, unmixed);
          mixTargets(batchY, numClasses, mix, batchTargets);
          if (batchTeacher !== undefined && config.loss.kind === 'distillation') mixTeacherLogits(batchTeacher, numClasses, config.loss.temperature, mix, unmixed);
        }
        lr = cosineLearningRate(config, step, totalSteps);
        (optimizer as unknown as { learningRate: number }).learningRate = lr;
        const batch: TrainBatch = {
          x: batchX,
          labels: batchY,
          count: rows.length,
          frames: train.frames,
          bins: train.bins,
          ...(batchTeacher === undefined ? {} : { teacherLogits: batchTeacher }),
          // Only a mixed batch has soft targets: the others keep the one-hot path, bit for bit what it was.
          ...(mix === undefined || batchTargets === undefined ? {} : { targets: batchTargets }),
        };
        const { grads, loss: lossValue, correct: hitValue } = await engine.compute(batch);
        optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[i] as tf.Tensor })));
        grads.forEach((g) => g.dispose());
        average?.update(step);
        if (!Number.isFinite(lossValue)) {
          // Checkpoints are only written at epoch ends, so the one on disk predates this step and stays as it is.
          const kept =
            checkpointDir === undefined
              ? 'no checkpoint is kept (checkpoints were off)'
              : checkpointEpoch === undefined
                ? `no checkpoint is kept (no epoch had finished in ${checkpointDir})`
                : `the last good checkpoint (epoch ${checkpointEpoch}, ${checkpointPath(checkpointDir, checkpointEpoch)}) is kept`;
          throw new WhittleError('NUMERIC', `Training loss became ${lossValue} at epoch ${epoch}, step ${s + 1}; ${kept}`, {
            hint:
              checkpointDir === undefined
                ? 'lower the learning rate or check the features for NaN/Inf'
                : `lower the learning rate or check the features for NaN/Inf; a changed config cannot resume, so delete ${checkpointDir} to start over`,
          });
        }
        lossSum += lossValue * rows.length;
        correct += hitValue;
        step++;
        sessionSteps++;
        {
          const now = performance.now();
          const seen = Math.min((s + 1) * config.batchSize, train.count);
          reporter.progress({
            stage: `train epoch ${epoch}/${config.epochs}`,
            done: s + 1,
            total: stepsPerEpoch,
            detail: formatTrainProgress({
              epoch,
              epochs: config.epochs,
              step: s + 1,
              stepsPerEpoch,
              loss: lossSum / seen,
              accuracy: correct / seen,
              samplesPerSecond: seen / ((now - epochStart) / 1000),
              stepsLeft: totalSteps - step,
              secondsPerStep: (now - started) / 1000 / sessionSteps,
            }),
          });
        }
      }
      const epochSeconds = (performance.now() - epochStart) / 1000;
      trainSeconds += epochSeconds;
      const { validationAccuracy, monitored } = evaluated(() => ({
        validationAccuracy: accuracyOf(predictLogits(model, validation), validation.labels),
        monitored: monitorAccuracies(model, options.monitor),
      }));
      const record: EpochRecord = {
        epoch,
        loss: lossSum / train.count,
        trainAccuracy: correct / train.count,
        validationAccuracy,
        learningRate: lr,
        seconds: epochSeconds,
        samplesPerSecond: train.count / epochSeconds,
        ...(monitored === undefined ? {} : { monitored }),
      };
      history.push(record);
      const improved = best === undefined || validationAccuracy > best.accuracy + config.earlyStopping.minDelta;
      // 'last-epoch' keeps every epoch's weights in turn (so the last one's at the end) and never stops early.
      const keepThis = improved || config.keep === 'last-epoch';
      reporter.info(
        `epoch ${epoch}/${config.epochs}: loss ${record.loss.toFixed(4)} train acc ${(record.trainAccuracy * 100).toFixed(2)}% ` +
          `val acc ${(validationAccuracy * 100).toFixed(2)}% ${record.samplesPerSecond.toFixed(0)} samples/s${config.keep === 'last-epoch' ? '' : improved ? ' (best)' : ''}` +
          (monitored === undefined ? '' : ` | monitored: ${Object.entries(monitored).map(([name, a]) => `${name} ${(a * 100).toFixed(2)}%`).join(', ')}`),
      );
      // `best === undefined` is implied by `improved`; spelled out so the compiler knows `best` is set below.
      if (keepThis || best === undefined) {
        best?.weights.forEach((w) => w.dispose());
        best = { epoch, accuracy: validationAccuracy, weights: (average?.weights() ?? model.getWeights()).map((w) => w.clone()) };
        sinceBest = 0;
      } else if (++sinceBest >= config.earlyStopping.patience) {
        reporter.info(`early stopping: no validation gain for ${sinceBest} epochs; best was epoch ${best.epoch}`);
        finished = true;
      }
      if (epoch === config.epochs) finished = true;
      if (checkpointDir !== undefined && fingerprint !== undefined) {
        await saveCheckpoint(checkpointDir, {
          epoch,
          globalStep: step,
          random: rng.snapshot(),
          history,
          best: { epoch: best.epoch, accuracy: best.accuracy },
          sinceBest,
          finished,
          trainSeconds,
          elapsedSeconds: priorSeconds + (performance.now() - started) / 1000,
          backend: tf.getBackend(),
          fingerprint,
          modelWeights: model.getWeights(),
          bestWeights: best.weights,
          ...(average === undefined ? {} : { averagedWeights: average.weights() }),
          optimizer,
        });
        checkpointEpoch = epoch;
      }
    }
  } catch (err) {
    best?.weights.forEach((w) => w.dispose());
    throw err;
  } finally {
    optimizer.dispose();
    average?.dispose();
    await engine.dispose();
  }
  if (best === undefined) throw new WhittleError('NUMERIC', 'Training finished without a single completed epoch');
  model.setWeights(best.weights);
  best.weights.forEach((w) => w.dispose());
  const trainedSamples = history.reduce((sum, h) => sum + h.samplesPerSecond * h.seconds, 0);
  return {
    history,
    bestEpoch: best.epoch,
    bestValidationAccuracy: best.accuracy,
    samplesPerSecond: trainedSamples / Math.max(trainSeconds, 1e-9),
    stoppedEarly: history.length < config.epochs,
    seconds: priorSeconds + (performance.now() - started) / 1000,
    ...(resumedFromEpoch === undefined ? {} : { resumedFromEpoch }),
  };
}

/** Accuracy of `model` on every monitored set, by name; undefined when there are none. */
function monitorAccuracies(model: tf.LayersModel, monitor: readonly MonitorSet[] | undefined): Record<string, number> | undefined {
  if (monitor === undefined || monitor.length === 0) return undefined;
  return Object.fromEntries(monitor.map((m) => [m.name, accuracyOf(predictLogits(model, m.set), m.set.labels)]));
}

/** Views must be copies of the training rows, and teacher logits must cover them, before a single step runs. */
function checkTrainInputs(views: readonly FeatureSet[], teacherLogits: readonly Float32Array[], numClasses: number, config: TrainConfig, monitor: readonly MonitorSet[]): void {
  const train = views[0] as FeatureSet;
  for (const m of monitor) {
    if (m.set.frames !== train.frames || m.set.bins !== train.bins || m.set.count === 0) {
      throw new ConfigError(
        `Monitor set '${m.name}' passed to 'trainClassifier' must hold at least one row of ${train.frames}x${train.bins} features, like the training rows; got ${m.set.count} rows of ${m.set.frames}x${m.set.bins}`,
      );
    }
  }
  const names = monitor.map((m) => m.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw new ConfigError(`Monitor set names passed to 'trainClassifier' must be unique; got '${repeated}' twice`);
  views.slice(1).forEach((view, i) => {
    const same = view.count === train.count && view.frames === train.frames && view.bins === train.bins && view.labels.every((l, r) => l === train.labels[r]);
    if (!same) {
      throw new ConfigError(
        `Augmented view ${i + 1} passed to 'trainClassifier' must hold the training rows in the same order (${train.count} rows of ${train.frames}x${train.bins}, same labels); got ${view.count} rows of ${view.frames}x${view.bins}`,
      );
    }
  });
  if (config.loss.kind === 'distillation' && teacherLogits.length === 0) {
    throw new ConfigError("The 'distillation' loss passed to 'trainClassifier' needs teacherLogits; got none", 'compute them with teacherLogits()/cachedTeacherLogits() for the training rows');
  }
  if (teacherLogits.length > 0 && teacherLogits.length !== 1 && teacherLogits.length !== views.length) {
    throw new ConfigError(`Option 'teacherLogits' passed to 'trainClassifier' must hold 1 array or one per view (${views.length}); got ${teacherLogits.length}`);
  }
  teacherLogits.forEach((logits, i) => {
    if (logits.length !== train.count * numClasses) {
      throw new ConfigError(`Teacher logits ${i} passed to 'trainClassifier' must hold ${train.count} rows × ${numClasses} classes = ${train.count * numClasses} values; got ${logits.length}`);
    }
  });
}

/** Capture the optimizer and write one checkpoint; the captured optimizer tensors are released either way. */
async function saveCheckpoint(
  dir: string,
  state: Omit<Parameters<typeof writeTrainCheckpoint>[1], 'adam'> & { optimizer: tf.AdamOptimizer; fingerprint: TrainFingerprint },
): Promise<void> {
  const { optimizer, ...rest } = state;
  const adam = await captureAdamState(optimizer);
  try {
    await writeTrainCheckpoint(dir, { ...rest, adam });
  } finally {
    disposeAdamState(adam);
  }
}

function cosineLearningRate(config: TrainConfig, step: number, totalSteps: number): number {
  const floor = config.learningRate * config.finalLearningRateFraction;
  const progress = Math.min(step / Math.max(totalSteps - 1, 1), 1);
  return floor + 0.5 * (config.learningRate - floor) * (1 + Math.cos(Math.PI * progress));
}
