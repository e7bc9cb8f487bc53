// Quantization-aware fine-tuning: a few epochs through the fake-quant of the exact static int8 QDQ graph the model exports to.

import * as tf from '@tensorflow/tfjs';
import { SeededRandom, SILENT_REPORTER, WhittleError, type Reporter } from '@whittle/datasets';
import { collectRanges } from '../calibrate/collect-ranges.ts';
import { rowFeeds } from '../calibrate/row-feeds.ts';
import type { CalibrationConfig } from '../quantize/static-quantize-config.ts';
import { resolveExportConfig, type ExportConfig } from '../export/export-config.ts';
import { exportLayersModel } from '../export/export-layers-model.ts';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import type { TensorRanges } from '../quantize/tensor-ranges.ts';
import { buildFakeQuantModel } from './fake-quant-model.ts';
import { resolveQatConfig, type QatConfig } from './qat-config.ts';

/** Labelled training rows: `x` holds dims[0] rows of dims.slice(1) (the model's input shape), row-major. */
export interface QatData {
  readonly x: Float32Array;
  readonly dims: readonly number[];
  readonly labels: Int32Array;
}

export interface QatOptions {
  readonly reporter?: Reporter;
  /** Ranges of the fp32 export's calibrated tensors; default: `quantize.calibration` (its method) on `samples` seeded rows of `data`. */
  readonly ranges?: TensorRanges;
  /** The export config the model will be exported with (tensor names in `ranges` depend on `inputName`). */
  readonly exportConfig?: Partial<ExportConfig>;
}

export interface QatEpochRecord {
  readonly epoch: number;
  /** Mean cross-entropy of the fake-quantized model over the epoch's batches. */
  readonly loss: number;
  /** Train accuracy of the fake-quantized model during the epoch (weights change between batches). */
  readonly accuracy: number;
  readonly seconds: number;
}

export interface QatResult {
  /** The ranges the fake-quant used, frozen during training: pass them to quantizeStatic. */
  readonly ranges: TensorRanges;
  readonly history: readonly QatEpochRecord[];
}

function checkData(model: tf.LayersModel, data: QatData): { count: number; stride: number; numClasses: number } {
  const [count, ...sample] = data.dims;
  const expected = (model.inputs[0]?.shape ?? []).slice(1);
  const stride = sample.reduce((a, b) => a * b, 1);
  const numClasses = (model.outputs[0]?.shape.at(-1) as number | undefined) ?? 0;
  if (count === undefined || count < 1 || sample.length !== expected.length || sample.some((d, i) => d !== expected[i]) || data.x.length !== count * stride) {
    throw new WhittleError('INVALID_ARGUMENT', `Argument 'data' passed to 'quantizationAwareFineTune' must hold rows of [${expected.join(', ')}]; got dims [${data.dims.join(', ')}] with ${data.x.length} values`);
  }
  if (data.labels.length !== count) throw new WhittleError('INVALID_ARGUMENT', `Argument 'data' passed to 'quantizationAwareFineTune' has ${count} rows but ${data.labels.length} labels`);
  const bad = data.labels.findIndex((l) => !Number.isInteger(l) || l < 0 || l >= numClasses);
  if (bad >= 0) throw new WhittleError('INVALID_ARGUMENT', `Label ${data.labels[bad]} of row ${bad} is outside the model's ${numClasses} classes`);
  return { count, stride, numClasses };
}

/** Ranges by the recipe's calibration method from `samples` seeded rows, in feeds of up to DEFAULT_ROW_FEED_BATCH (32) rows. */
async function calibrate(fp32: OnnxModel, data: QatData, calibration: CalibrationConfig, rng: SeededRandom): Promise<TensorRanges> {
  const count = data.dims[0] as number;
  const rows = rng.shuffle(Array.from({ length: count }, (_, i) => i)).slice(0, Math.min(calibration.samples, count));
  const feeds = rowFeeds(data, rows, { inputName: fp32.graph.inputs[0]?.name as string, caller: 'quantizationAwareFineTune' });
  // The recipe's own method: the fake-quant must train against the ranges the export will use.
  return collectRanges(fp32, feeds, calibration);
}

/**
 * Fine-tune `model` in place (so callers keep their handle, as with trainClassifier) through a
 * fake-quant of exactly the graph `quantizeStatic(exportLayersModel(model, exportConfig), result.ranges,
 * config.quantize)` produces: activations fake-quantized with the frozen calibrated ranges at the
 * tensors the QDQ plan quantizes, conv/dense kernels replaced each step by their int8 values (batch
 * norms folded first, as the exporter does) with a straight-through gradient to the fp32 weights.
 * Batch norm and dropout run in inference mode throughout (the statistics the export folds stay
 * fixed); gamma, beta and biases train with the kernels. Not simulated: the int32 bias rounding
 * (at most half of input scale x weight scale) and the integer kernels' own requantization rounding.
 *
 * @example
 * const { ranges } = await quantizationAwareFineTune(model, { x, dims: [n, 98, 20], labels }, resolveQatConfig({ epochs: 2 }));
 * const int8 = quantizeStatic(exportLayersModel(model, DEFAULT_EXPORT_CONFIG), ranges, DEFAULT_STATIC_QUANTIZE_CONFIG);
 */
export async function quantizationAwareFineTune(model: tf.LayersModel, data: QatData, config: QatConfig, options: QatOptions = {}): Promise<QatResult> {
  const cfg = resolveQatConfig(config);
  const reporter = options.reporter ?? SILENT_REPORTER;
  const { count, stride, numClasses } = checkData(model, data);
  const fp32 = exportLayersModel(model, resolveExportConfig(options.exportConfig));
  const rng = new SeededRandom(cfg.seed);
  const ranges = options.ranges ?? (await calibrate(fp32, data, cfg.quantize.calibration, rng.fork(1)));
  const fq = buildFakeQuantModel(model, fp32, ranges, cfg.quantize);
  const shuffle = rng.fork(2);

  // An explicit list fixes which variables train (and that Adam keys its moments by their names).
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(cfg.learningRate);
  const steps = Math.ceil(count / cfg.batchSize);
  const history: QatEpochRecord[] = [];
  try {
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      const started = performance.now();
      const order = shuffle.shuffle(Array.from({ length: count }, (_, i) => i));
      let lossSum = 0;
      let correct = 0;
      for (let s = 0; s < steps; s++) {
        const rows = order.slice(s * cfg.batchSize, (s + 1) * cfg.batchSize);
        const bx = new Float32Array(rows.length * stride);
        const by = new Int32Array(rows.length);
        rows.forEach((r, i) => {
          bx.set(data.x.subarray(r * stride, (r + 1) * stride), i * stride);
          by[i] = data.labels[r] as number;
        });
        const x = tf.tensor(bx, [rows.length, ...data.dims.slice(1)]);
        const y = tf.tidy(() => tf.oneHot(tf.tensor1d(by, 'int32'), numClasses));
        let predicted: tf.Tensor | undefined;
        try {
          const { value, grads } = fq.withQuantizedWeights(() =>
            tf.variableGrads(() => {
              const logits = fq.forward(x);
              predicted = tf.keep(tf.argMax(logits, -1));
              return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
            }, variables),
          );
          // Applied after the fp32 weights are back: the update lands on the master copy.
          optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
          lossSum += (value.dataSync()[0] as number) * rows.length;
          const p = (predicted as tf.Tensor | undefined)?.dataSync() ?? new Int32Array(0);
          for (let i = 0; i < rows.length; i++) if (p[i] === by[i]) correct++;
          tf.dispose([value, ...Object.values(grads)]);
        } finally {
          tf.dispose([x, y, ...(predicted === undefined ? [] : [predicted])]);
        }
        reporter.progress({ stage: 'qat', done: (epoch - 1) * steps + s + 1, total: cfg.epochs * steps, detail: `epoch ${epoch}/${cfg.epochs}` });
      }
      const record = { epoch, loss: lossSum / count, accuracy: correct / count, seconds: (performance.now() - started) / 1000 };
      history.push(record);
      reporter.info(`qat epoch ${epoch}/${cfg.epochs}: loss ${record.loss.toFixed(4)}, fake-quant train accuracy ${(100 * record.accuracy).toFixed(2)}%, ${record.seconds.toFixed(1)} s`);
    }
  } finally {
    optimizer.dispose();
  }
  return { ranges, history };
}
