// Supervised training loop: seeded shuffles, Adam with cosine decay, per-epoch validation, best weights kept.

import * as tf from '@tensorflow/tfjs';
import { SeededRandom, SILENT_REPORTER, WhittleError, type FeatureSet, type Reporter } from '@whittle/datasets';
import type { TrainConfig } from './train-config.ts';

export interface EpochRecord {
  readonly epoch: number;
  readonly loss: number;
  readonly trainAccuracy: number;
  readonly validationAccuracy: number;
  readonly learningRate: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

export interface TrainResult {
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
  readonly bestValidationAccuracy: number;
  /** Mean training throughput over all epochs (forward + backward + update, no validation). */
  readonly samplesPerSecond: number;
  readonly stoppedEarly: boolean;
  readonly seconds: number;
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
 * The model ends holding the weights of its best validation epoch.
 */
export async function trainClassifier(
  model: tf.LayersModel,
  train: FeatureSet,
  validation: FeatureSet,
  config: TrainConfig,
  reporter: Reporter = SILENT_REPORTER,
): Promise<TrainResult> {
  const numClasses = (model.outputs[0]?.shape.at(-1) as number | undefined) ?? 0;
  const stride = train.frames * train.bins;
  const stepsPerEpoch = Math.ceil(train.count / config.batchSize);
  const totalSteps = stepsPerEpoch * config.epochs;
  const optimizer = tf.train.adam(config.learningRate);
  const rng = new SeededRandom(config.seed ^ 0x5eed);
  const history: EpochRecord[] = [];
  let best: { epoch: number; accuracy: number; weights: tf.Tensor[] } | undefined;
  let sinceBest = 0;
  let step = 0;
  let trainSeconds = 0;
  const started = performance.now();
  const batchX = new Float32Array(config.batchSize * stride);
  const batchY = new Int32Array(config.batchSize);

  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const order = rng.shuffle(Array.from({ length: train.count }, (_, i) => i));
      const epochStart = performance.now();
      let lossSum = 0;
      let correct = 0;
      let lr = config.learningRate;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const rows = order.slice(s * config.batchSize, (s + 1) * config.batchSize);
        rows.forEach((row, i) => {
          batchX.set(train.features.subarray(row * stride, (row + 1) * stride), i * stride);
          batchY[i] = train.labels[row] as number;
        });
        lr = cosineLearningRate(config, step, totalSteps);
        (optimizer as unknown as { learningRate: number }).learningRate = lr;
        const [loss, hits] = tf.tidy(() => {
          const x = tf.tensor3d(batchX.subarray(0, rows.length * stride), [rows.length, train.frames, train.bins]);
          const labels = tf.tensor1d(batchY.subarray(0, rows.length), 'int32');
          const y = tf.oneHot(labels, numClasses);
          let logits: tf.Tensor | undefined;
          const lossValue = optimizer.minimize(() => {
            // keep(): minimize() disposes its intermediates, and the batch accuracy needs the logits.
            logits = tf.keep(model.apply(x, { training: true }) as tf.Tensor);
            return tf.losses.softmaxCrossEntropy(y, logits);
          }, true) as tf.Scalar;
          const correctCount = tf.sum(tf.cast(tf.equal(tf.argMax(logits as tf.Tensor, -1), labels), 'float32'));
          logits?.dispose();
          return [lossValue, correctCount];
        });
        const lossValue = (await loss.data())[0] as number;
        const hitValue = (await hits.data())[0] as number;
        loss.dispose();
        hits.dispose();
        if (!Number.isFinite(lossValue)) {
          throw new WhittleError('NUMERIC', `Training loss became ${lossValue} at epoch ${epoch}, step ${s + 1}`, {
            hint: 'lower the learning rate or check the features for NaN/Inf',
          });
        }
        lossSum += lossValue * rows.length;
        correct += hitValue;
        step++;
        if (s % 5 === 4 || s === stepsPerEpoch - 1) {
          const elapsed = (performance.now() - epochStart) / 1000;
          const seen = Math.min((s + 1) * config.batchSize, train.count);
          reporter.progress({
            stage: `train epoch ${epoch}/${config.epochs}`,
            done: s + 1,
            total: stepsPerEpoch,
            detail: `loss ${(lossSum / seen).toFixed(4)} acc ${(correct / seen).toFixed(3)} ${(seen / elapsed).toFixed(0)} samples/s`,
          });
        }
      }
      const epochSeconds = (performance.now() - epochStart) / 1000;
      trainSeconds += epochSeconds;
      const validationAccuracy = accuracyOf(predictLogits(model, validation), validation.labels);
      const record: EpochRecord = {
        epoch,
        loss: lossSum / train.count,
        trainAccuracy: correct / train.count,
        validationAccuracy,
        learningRate: lr,
        seconds: epochSeconds,
        samplesPerSecond: train.count / epochSeconds,
      };
      history.push(record);
      const improved = best === undefined || validationAccuracy > best.accuracy + config.earlyStopping.minDelta;
      reporter.info(
        `epoch ${epoch}/${config.epochs}: loss ${record.loss.toFixed(4)} train acc ${(record.trainAccuracy * 100).toFixed(2)}% ` +
          `val acc ${(validationAccuracy * 100).toFixed(2)}% ${record.samplesPerSecond.toFixed(0)} samples/s${improved ? ' (best)' : ''}`,
      );
      if (improved) {
        best?.weights.forEach((w) => w.dispose());
        best = { epoch, accuracy: validationAccuracy, weights: model.getWeights().map((w) => w.clone()) };
        sinceBest = 0;
      } else if (++sinceBest >= config.earlyStopping.patience) {
        reporter.info(`early stopping: no validation gain for ${sinceBest} epochs; best was epoch ${best?.epoch}`);
        break;
      }
    }
  } finally {
    optimizer.dispose();
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
    seconds: (performance.now() - started) / 1000,
  };
}

function cosineLearningRate(config: TrainConfig, step: number, totalSteps: number): number {
  const floor = config.learningRate * config.finalLearningRateFraction;
  const progress = Math.min(step / Math.max(totalSteps - 1, 1), 1);
  return floor + 0.5 * (config.learningRate - floor) * (1 + Math.cos(Math.PI * progress));
}
