// Stage 3: export the trained tfjs model to ONNX fp32 (parity-checked), then build every quantized mode from it:
// the published accuracy-aware static int8, fp16, dynamic int8, QAT int8 and the static recipes compared with them.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeDirAtomic, type FeatureSet, type Reporter } from '@whittle/datasets';
import { loadLayersModel } from '@whittle/distill';
import {
  convertToFloat16,
  encodeOnnxModel,
  exportLayersModel,
  quantizationAwareFineTune,
  quantizeDynamic,
  quantizeStatic,
  type CalibrationConfig,
  type FallbackStep,
  type LayerReport,
  type OnnxModel,
  type QatEpochRecord,
  type TensorRanges,
} from '@whittle/quantize';
import { useTfBackend } from '../runtime/tf-backend.ts';
import { accuracyAwareInt8 } from './accuracy-aware-int8.ts';
import { calibrationFeeds } from './calibration-feeds.ts';
import { calibrationRanges } from './calibration-ranges.ts';
import { calibrationOrder, type CalibrationData } from './calibration-rows.ts';
import { describeStatic } from './describe-static.ts';
import { checkExportParity, type ParityResult } from './export-parity.ts';
import { jobExportConfig } from './onnx-export-config.ts';
import { onnxAccuracy, onnxLogits } from './onnx-accuracy.ts';
import { publishedFile, type PublishedVariantId } from './onnx-files.ts';
import { checkQuantizeSettings, comparisonCalibrationData, comparisonConfig, DEFAULT_QUANTIZE_SETTINGS, type QuantizeSettings } from './quantize-settings.ts';
import { runLayout } from './run-layout.ts';
import { augmentedTrainingViews, normalized, speechIndex, splitFeatures } from './speech-features.ts';
import type { TrainRecord } from './train-stage.ts';

/** One ONNX file of the run: what it is, where it is (relative to onnx/), its size and its validation accuracy. */
export interface OnnxVariantRecord {
  readonly id: string;
  readonly file: string;
  readonly mode: 'fp32' | 'float16' | 'static' | 'dynamic' | 'qat';
  readonly description: string;
  readonly bytes: number;
  readonly validationAccuracy: number;
  /** Copied into models/ by the publish stage. */
  readonly published: boolean;
}

/** How the published int8 met (or missed) its accuracy bound. */
export interface AccuracyAwareRecord {
  readonly maxDrop: number | null;
  readonly baselineAccuracy: number;
  readonly accuracy: number;
  /** Validation points lost against fp32. */
  readonly drop: number;
  readonly withinBound: boolean;
  /** Layers (node names) left in float, most sensitive first. */
  readonly keptFloat: readonly string[];
  readonly steps: readonly FallbackStep[];
}

export interface OnnxRecord {
  readonly opset: number;
  readonly parity: ParityResult;
  /**
   * The published int8's calibration: method, rows used, which versions of the training clips (`data`) and how many
   * augmented copies the run had (`copies`). Older records lack `data` (they calibrated on clean clips) or `copies`.
   */
  readonly calibration: { readonly method: string; readonly samples: number; readonly split: 'training'; readonly data?: CalibrationData; readonly copies?: number };
  readonly bytes: { readonly fp32: number; readonly int8: number };
  readonly settings: QuantizeSettings;
  readonly variants: readonly OnnxVariantRecord[];
  readonly int8: AccuracyAwareRecord;
  /** File (relative to onnx/) with the per-layer report of the int8 recipe before any fallback. */
  readonly layerReport: string;
  readonly qat: { readonly history: readonly QatEpochRecord[]; readonly seconds: number } | null;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const idAndFile = (id: PublishedVariantId) => ({ id, file: publishedFile(id).file });

export interface QuantizeStageInput {
  readonly dataDir: string;
  readonly runDir: string;
  readonly reporter: Reporter;
  readonly backend?: string;
  /** Overrides of the settings the run was configured with (CLI flags of `whittle quantize`). */
  readonly settings?: (configured: QuantizeSettings) => QuantizeSettings;
}

export async function runQuantizeStage(input: QuantizeStageInput): Promise<OnnxRecord> {
  const { reporter } = input;
  const layout = runLayout(input.runDir);
  const record = JSON.parse(await readFile(layout.trainRecord, 'utf8')) as TrainRecord;
  const { config } = record;
  // Runs trained before the quantize settings existed recorded only a static recipe: use today's defaults, and say so.
  // Runs recorded before the calibration data setting calibrated on clean training clips.
  const recorded = config.quantize as Partial<QuantizeSettings>;
  const configured: QuantizeSettings = 'int8' in config.quantize ? { ...config.quantize, calibrationData: recorded.calibrationData ?? 'training' } : DEFAULT_QUANTIZE_SETTINGS;
  if (!('int8' in config.quantize)) reporter.warn(`${layout.trainRecord} predates the quantize settings (fp16, QAT, --max-drop); using the defaults`);
  const settings = checkQuantizeSettings(input.settings === undefined ? configured : input.settings(configured));
  await useTfBackend(input.backend);
  const exportConfig = jobExportConfig(record.provenance, record.model.name, record.configHash);
  const model = await loadLayersModel(layout.train);
  const fp32 = exportLayersModel(model, exportConfig);
  model.dispose();
  const fp32Bytes = encodeOnnxModel(fp32);
  const numClasses = record.labels.length;

  // Parity on the test split against the logits tfjs produced at the end of training.
  const entries = await speechIndex(input.dataDir, { seed: config.train.seed });
  const opts = { cacheDir: layout.featureCache, reporter };
  const test = normalized(await splitFeatures(entries, 'testing', config.frontEnd, opts), record.normalization);
  const tfjsBytes = await readFile(layout.tfjsTestLogits);
  const tfjsLogits = new Float32Array(tfjsBytes.buffer.slice(tfjsBytes.byteOffset, tfjsBytes.byteOffset + tfjsBytes.byteLength));
  const parity = checkExportParity(tfjsLogits, await onnxLogits(fp32Bytes, test, numClasses), numClasses);
  reporter.info(`ONNX fp32 parity on ${parity.clips} test clips: max |Δlogit| ${parity.maxAbsLogitDiff.toExponential(2)}, top-1 agreement ${(parity.topOneAgreement * 100).toFixed(2)}%`);

  const rawTrain = await splitFeatures(entries, 'training', config.frontEnd, opts);
  const train = normalized(rawTrain, record.normalization);
  const validation = normalized(await splitFeatures(entries, 'validation', config.frontEnd, opts), record.normalization);
  const validationAccuracy = (m: OnnxModel): Promise<number> => onnxAccuracy(encodeOnnxModel(m), validation, numClasses);
  const fp32Validation = await onnxAccuracy(fp32Bytes, validation, numClasses);

  // Calibration: one seeded order of training clips; every recipe takes its first `samples`, so recipes
  // that differ only in calibration method or data see the same clips.
  const order = calibrationOrder(train.count, config.train.seed);
  // The augmented copies training drew from (same call as the train stage, so a feature-cache hit), loaded on first use.
  const copies = config.augment.copies;
  let rawViews: Promise<FeatureSet[]> | undefined;
  const versionsFor = async (data: CalibrationData): Promise<readonly FeatureSet[]> => {
    if (data === 'training' || copies === 0) return [rawTrain];
    rawViews ??= augmentedTrainingViews(input.dataDir, entries, config.frontEnd, config.augment, config.train.seed, opts);
    return [rawTrain, ...(await rawViews)];
  };
  if (copies === 0 && [settings.calibrationData, ...settings.compare.map((c) => comparisonCalibrationData(settings, c))].includes('training-augmented')) {
    reporter.warn(`calibration on augmented training data was asked for, but the run has no augmented copies (augment.copies 0): those recipes calibrate on clean training clips`);
  }
  const rangesByCalibration = new Map<string, TensorRanges>();
  const rangesFor = async (calibration: CalibrationConfig, data: CalibrationData): Promise<TensorRanges> => {
    const key = JSON.stringify({ calibration, data });
    const cached = rangesByCalibration.get(key);
    if (cached !== undefined) return cached;
    const ranges = await calibrationRanges(fp32, {
      order,
      versions: await versionsFor(data),
      calibration,
      data,
      seed: config.train.seed,
      // Gathered raw, then normalised: the same values as normalising the whole split first, for a fraction of the memory.
      prepare: (set) => normalized(set, record.normalization),
      onProgress: (done, total) => reporter.progress({ stage: `calibrate ${calibration.method}`, done, total }),
    });
    rangesByCalibration.set(key, ranges);
    return ranges;
  };

  const variants: OnnxVariantRecord[] = [];
  const files = new Map<string, Uint8Array>([[publishedFile('fp32').file, fp32Bytes]]);
  const add = async (variant: Omit<OnnxVariantRecord, 'bytes' | 'validationAccuracy'>, m: OnnxModel, known?: number): Promise<void> => {
    const bytes = encodeOnnxModel(m);
    files.set(variant.file, bytes);
    const accuracy = known ?? (await onnxAccuracy(bytes, validation, numClasses));
    variants.push({ ...variant, bytes: bytes.byteLength, validationAccuracy: accuracy });
    reporter.info(`${variant.id}: ${bytes.byteLength.toLocaleString('en-US')} bytes (${((100 * bytes.byteLength) / fp32Bytes.byteLength).toFixed(1)}% of fp32), validation ${pct(accuracy)}`);
  };
  variants.push({ ...idAndFile('fp32'), mode: 'fp32', description: `ONNX fp32, opset ${exportConfig.opset}, batch norm folded`, bytes: fp32Bytes.byteLength, validationAccuracy: fp32Validation, published: true });

  // The published int8: quantize, rank layers by how much each alone hurts the output, then keep the
  // most damaging ones in float until the validation drop is within the bound.
  const int8Ranges = await rangesFor(settings.int8.calibration, settings.calibrationData);
  const fallback = await accuracyAwareInt8(fp32, {
    ranges: int8Ranges,
    config: settings.int8,
    maxDrop: settings.maxDrop,
    evaluate: validationAccuracy,
    // Clean rows: the report ranks layers by their own error, whatever versions of the clips calibrated them.
    debugFeeds: () => calibrationFeeds(train, order.slice(0, Math.min(settings.debugSamples, train.count))),
    layerReport: 'always',
    onLayer: (_node, done, total) => reporter.progress({ stage: 'per-layer report', done, total }),
    onStep: (step: FallbackStep) => reporter.info(`int8 with ${step.keptFloat.length} layer(s) in float: validation ${pct(step.accuracy)} (drop ${step.drop.toFixed(2)} points)`),
  });
  const layerReport = fallback.layerReport as LayerReport; // 'always' computed it
  const worst = layerReport.layers[0];
  if (worst !== undefined) reporter.info(`most damaging layer alone: ${worst.node} (${worst.opType}), output SNR ${worst.isolated.snrDb.toFixed(1)} dB`);
  if (!fallback.withinBound) {
    reporter.warn(`int8 stays ${fallback.drop.toFixed(2)} points below fp32 on validation even with every layer in float; the bound was ${settings.maxDrop}`);
  }
  const kept = fallback.keptFloat.length === 0 ? '' : `; ${fallback.keptFloat.length} layer(s) kept float for --max-drop ${settings.maxDrop}: ${fallback.keptFloat.join(', ')}`;
  await add({ ...idAndFile('int8'), mode: 'static', description: `${describeStatic(settings.int8, int8Ranges.samples, settings.calibrationData, copies)}${kept}`, published: true }, fallback.model, fallback.accuracy);

  await add({ ...idAndFile('fp16'), mode: 'float16', description: 'float16 weights and compute, float32 input and logits', published: true }, convertToFloat16(fp32, settings.float16));
  await add(
    { ...idAndFile('dynamic-int8'), mode: 'dynamic', description: `dynamic int8: ${settings.dynamic.weights.granularity} int8 weights on dense layers, uint8 activations quantized at run time; convolutions float`, published: true },
    quantizeDynamic(fp32, settings.dynamic),
  );

  // Quantization-aware fine-tuning from the fp32 weights, through the fake-quant of the int8 recipe's graph.
  let qat: OnnxRecord['qat'] = null;
  if (settings.qat !== null) {
    const started = performance.now();
    const tuned = await loadLayersModel(layout.train);
    try {
      const result = await quantizationAwareFineTune(
        tuned,
        { x: train.features, dims: [train.count, train.frames, train.bins], labels: train.labels },
        { ...settings.qat, quantize: settings.int8 },
        { reporter, ranges: int8Ranges, exportConfig },
      );
      const qatInt8 = quantizeStatic(exportLayersModel(tuned, exportConfig), result.ranges, settings.int8);
      qat = { history: result.history, seconds: (performance.now() - started) / 1000 };
      await add({ id: 'int8-qat', file: 'variants/int8-qat.onnx', mode: 'qat', description: `QAT: ${settings.qat.epochs} epoch(s) of fake-quant fine-tuning at lr ${settings.qat.learningRate}, then ${describeStatic(settings.int8, int8Ranges.samples, settings.calibrationData, copies)}`, published: false }, qatInt8);
    } finally {
      tuned.dispose();
    }
  }

  for (const comparison of settings.compare) {
    const recipe = comparisonConfig(settings.int8, comparison);
    const data = comparisonCalibrationData(settings, comparison);
    const ranges = await rangesFor(recipe.calibration, data);
    await add({ id: comparison.id, file: `variants/${comparison.id}.onnx`, mode: 'static', description: describeStatic(recipe, ranges.samples, data, copies), published: false }, quantizeStatic(fp32, ranges, recipe));
  }

  const int8Bytes = files.get(publishedFile('int8').file) as Uint8Array;
  const onnxRecord: OnnxRecord = {
    opset: exportConfig.opset,
    parity,
    calibration: { method: settings.int8.calibration.method, samples: int8Ranges.samples, split: 'training', data: settings.calibrationData, copies },
    bytes: { fp32: fp32Bytes.byteLength, int8: int8Bytes.byteLength },
    settings,
    variants,
    int8: {
      maxDrop: settings.maxDrop,
      baselineAccuracy: fallback.baselineAccuracy,
      accuracy: fallback.accuracy,
      drop: fallback.drop,
      withinBound: fallback.withinBound,
      keptFloat: fallback.keptFloat,
      steps: fallback.steps,
    },
    layerReport: 'layer-report.json',
    qat,
  };
  await writeDirAtomic(
    layout.onnx,
    async (tmp) => {
      await writeFile(join(tmp, 'layer-report.json'), `${JSON.stringify(layerReport, null, 2)}\n`);
      for (const [file, bytes] of files) {
        await mkdir(dirname(join(tmp, file)), { recursive: true });
        await writeFile(join(tmp, file), bytes);
      }
      await writeFile(join(tmp, 'onnx.json'), `${JSON.stringify(onnxRecord, null, 2)}\n`);
    },
    { replace: true },
  );
  reporter.info(`ONNX: fp32 ${fp32Bytes.byteLength} bytes, int8 ${int8Bytes.byteLength} bytes (${((100 * int8Bytes.byteLength) / fp32Bytes.byteLength).toFixed(1)}%), int8 validation drop ${fallback.drop.toFixed(2)} points`);
  return onnxRecord;
}
