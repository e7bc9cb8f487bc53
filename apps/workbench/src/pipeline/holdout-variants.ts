// A leave-one-engine-out role in the published modes: ONNX fp32, fp16 and static int8 built with the run's configured
// quantize settings, each measured in-distribution, on the engine the role never heard and on the unseen engine, per voice.

import type * as tf from '@tensorflow/tfjs';
import type { FeatureSet, Reporter } from '@whittle/datasets';
import { accuracy, argmaxRows } from '@whittle/eval';
import { convertToFloat16, encodeOnnxModel, exportLayersModel, type ExportConfig } from '@whittle/quantize';
import { accuracyAwareInt8 } from './accuracy-aware-int8.ts';
import { calibrationFeeds } from './calibration-feeds.ts';
import { calibrationRanges } from './calibration-ranges.ts';
import { calibrationOrder } from './calibration-rows.ts';
import { describeStatic } from './describe-static.ts';
import { checkExportParity } from './export-parity.ts';
import { onnxLogits } from './onnx-accuracy.ts';
import type { QuantizeSettings } from './quantize-settings.ts';
import { accuracyByVoice, type GroupAccuracy } from './speaker-groups.ts';

/** The published modes a role is measured in (dynamic int8 and the compared recipes are left to the published model). */
export type HoldoutVariantId = 'fp32' | 'fp16' | 'int8';

/** One ONNX variant of a leave-one-engine-out role. */
export interface HoldoutVariantResult {
  readonly id: HoldoutVariantId;
  readonly bytes: number;
  /** What the file is; for int8 the recipe (the layers its fallback kept float are in `keptFloat`). */
  readonly description: string;
  /** On the role's own validation split: the split the int8 accuracy bound is checked on. */
  readonly validationAccuracy: number;
  readonly inDistribution: GroupAccuracy;
  readonly heldOutEngine: GroupAccuracy;
  /** Weakest voice first. */
  readonly heldOutVoices: readonly GroupAccuracy[];
  readonly unseenEngine?: GroupAccuracy;
  readonly unseenVoices?: readonly GroupAccuracy[];
  /** int8 only: layers the accuracy-aware fallback kept in float; empty when the plain recipe met the bound. */
  readonly keptFloat?: readonly string[];
}

/** A role's splits, normalised with the role's own training statistics. */
export interface HoldoutSets {
  /** The role's clean training rows: int8 calibration (and the per-layer report, when the fallback needs it). */
  readonly train: FeatureSet;
  /** Augmented copies of `train`, row for row: calibration rows come from them too when `settings.calibrationData` says so. */
  readonly views: readonly FeatureSet[];
  readonly validation: FeatureSet;
  /** Test-split clips of the engines the role trained on. */
  readonly inDistribution: FeatureSet;
  /** Every clip of the held-out engine. */
  readonly heldOut: FeatureSet;
  readonly unseen?: FeatureSet;
}

/**
 * Export `model` to ONNX fp32 (parity-checked against `tfjsTestLogits`, its tfjs logits on `sets.inDistribution`),
 * convert it to fp16 and quantize it to static int8 with the run's configured int8 recipe, by the code the quantize
 * stage builds the published files with: calibration on the first `settings.int8.calibration.samples` of the role's
 * training rows in the run's seeded order (clean or augmented as `settings.calibrationData` says), and the
 * `settings.maxDrop` fallback on the role's validation split. `whittle quantize` flags can rebuild the published int8
 * with another recipe; these roles keep the configured one. The per-layer report that orders the fallback is only
 * computed when the plain int8 misses the bound.
 */
export async function holdoutVariants(input: {
  readonly role: string;
  readonly model: tf.LayersModel;
  readonly tfjsTestLogits: Float32Array;
  readonly sets: HoldoutSets;
  /** Group name of the held-out engine's overall accuracy, e.g. 'espeak (held out)'. */
  readonly heldOutGroup: string;
  readonly settings: QuantizeSettings;
  readonly exportConfig: ExportConfig;
  /** The run's seed (`config.train.seed`): picks the calibration clips. */
  readonly seed: number;
  readonly reporter: Reporter;
}): Promise<HoldoutVariantResult[]> {
  const { sets, settings, role, reporter } = input;
  const numClasses = input.model.outputs[0]?.shape.at(-1) as number;
  const validationAccuracy = async (bytes: Uint8Array): Promise<number> => accuracy(argmaxRows(await onnxLogits(bytes, sets.validation, numClasses), numClasses), sets.validation.labels);

  const fp32 = exportLayersModel(input.model, input.exportConfig);
  const fp32Bytes = encodeOnnxModel(fp32);
  const fp32TestLogits = await onnxLogits(fp32Bytes, sets.inDistribution, numClasses);
  checkExportParity(input.tfjsTestLogits, fp32TestLogits, numClasses, `ONNX export of role '${role}'`);

  // The run's configured int8 recipe on the role's own rows.
  const int8 = settings.int8;
  const copies = sets.views.length;
  const order = calibrationOrder(sets.train.count, input.seed);
  const { inputName } = input.exportConfig;
  const ranges = await calibrationRanges(fp32, { order, versions: [sets.train, ...sets.views], calibration: int8.calibration, data: settings.calibrationData, seed: input.seed, inputName });
  const int8Built = await accuracyAwareInt8(fp32, {
    ranges,
    config: int8,
    maxDrop: settings.maxDrop,
    evaluate: (m) => validationAccuracy(encodeOnnxModel(m)),
    debugFeeds: () => calibrationFeeds(sets.train, order.slice(0, Math.min(settings.debugSamples, sets.train.count)), inputName),
    layerReport: 'when-needed',
  });
  const fp32Validation = int8Built.baselineAccuracy;

  const built: readonly { id: HoldoutVariantId; bytes: Uint8Array; description: string; validation?: number; testLogits?: Float32Array; keptFloat?: readonly string[] }[] = [
    { id: 'fp32', bytes: fp32Bytes, description: `ONNX fp32, opset ${input.exportConfig.opset}, batch norm folded`, validation: fp32Validation, testLogits: fp32TestLogits },
    { id: 'fp16', bytes: encodeOnnxModel(convertToFloat16(fp32, settings.float16)), description: 'float16 weights and compute, float32 input and logits' },
    { id: 'int8', bytes: encodeOnnxModel(int8Built.model), description: describeStatic(int8, ranges.samples, settings.calibrationData, copies), validation: int8Built.accuracy, keptFloat: int8Built.keptFloat },
  ];
  const results: HoldoutVariantResult[] = [];
  for (const v of built) {
    const predict = async (set: FeatureSet): Promise<Int32Array> => argmaxRows(await onnxLogits(v.bytes, set, numClasses), numClasses);
    const held = accuracyByVoice(sets.heldOut, await predict(sets.heldOut), input.heldOutGroup);
    const unseen = sets.unseen === undefined ? undefined : accuracyByVoice(sets.unseen, await predict(sets.unseen), 'unseen engine');
    const result: HoldoutVariantResult = {
      id: v.id,
      bytes: v.bytes.byteLength,
      description: v.description,
      validationAccuracy: v.validation ?? (await validationAccuracy(v.bytes)),
      inDistribution: accuracyByVoice(sets.inDistribution, v.testLogits === undefined ? await predict(sets.inDistribution) : argmaxRows(v.testLogits, numClasses), 'in-distribution test').overall,
      heldOutEngine: held.overall,
      heldOutVoices: held.perVoice,
      ...(unseen === undefined ? {} : { unseenEngine: unseen.overall, unseenVoices: unseen.perVoice }),
      ...(v.keptFloat === undefined ? {} : { keptFloat: v.keptFloat }),
    };
    results.push(result);
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    reporter.info(
      `${role} ${v.id}: ${result.bytes.toLocaleString('en-US')} bytes, in-distribution ${pct(result.inDistribution.accuracy)}, ${input.heldOutGroup} ${pct(held.overall.accuracy)}` +
        `${unseen === undefined ? '' : `, unseen engine ${pct(unseen.overall.accuracy)} (weakest ${unseen.perVoice[0]?.group ?? 'n/a'} ${pct(unseen.perVoice[0]?.accuracy ?? 0)})`}`,
    );
  }
  return results;
}
