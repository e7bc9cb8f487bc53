// Leave-one-engine-out: the student's recipe trained without one TTS engine, measured on that engine's clips (tfjs, and ONNX fp32/fp16/int8).

import { selectRows, type FeatureSet } from '@whittle/datasets';
import { argmaxRows } from '@whittle/eval';
import { predictLogits, type TrainConfig } from '@whittle/distill';
import type { ExportConfig } from '@whittle/quantize';
import { configHash } from '../runtime/provenance.ts';
import { holdoutVariants, type HoldoutVariantResult } from './holdout-variants.ts';
import type { QuantizeSettings } from './quantize-settings.ts';
import { accuracyByVoice, concatSets, engineOf, rowsWhere, subsetWhere, type GroupAccuracy } from './speaker-groups.ts';
import { normalized as normalize, trainingNormalization } from './speech-features.ts';
import { trainRole, type TrainRole } from './train-role.ts';

/** The raw (unnormalised) features a holdout is cut from: every split and every augmented copy of the training rows. */
export interface RawSplits {
  readonly train: FeatureSet;
  readonly validation: FeatureSet;
  readonly test: FeatureSet;
  /** Augmented copies of `train`, row for row. */
  readonly views: readonly FeatureSet[];
  /** Clips of engines no model trains on (festival), when generated. */
  readonly unseenEngine?: FeatureSet;
}

export interface EngineHoldoutResult {
  readonly role: TrainRole;
  /** The engine left out of training and validation. */
  readonly heldOut: string;
  readonly trainClips: number;
  readonly validationAccuracy: number;
  readonly bestEpoch: number;
  readonly trainSeconds: number;
  /** Test-split clips of the engines it trained on (and silence): the usual held-out-speaker test. */
  readonly inDistribution: GroupAccuracy;
  /** Every clip of the held-out engine, from all three splits: voices and an engine it never heard. */
  readonly heldOutEngine: GroupAccuracy;
  readonly heldOutVoices: readonly GroupAccuracy[];
  /** The engine no model trains on, when present. */
  readonly unseenEngine?: GroupAccuracy;
  readonly unseenVoices?: readonly GroupAccuracy[];
  /**
   * The fields above are the tfjs model's. These are the same figures for its ONNX fp32, fp16 and int8, built with the
   * published recipe (holdout-variants.ts). Absent in records written before they were measured.
   */
  readonly variants?: readonly HoldoutVariantResult[];
}

const HOLDOUT_ROLES: Readonly<Record<string, TrainRole>> = { espeak: 'without-espeak', flite: 'without-flite' };

/**
 * Train the student's recipe once per engine in `engines`, each time without that engine's clips in training and
 * validation (silence windows stay: they are nobody's speech), normalised with its own training statistics, and
 * measure it on the engine it never heard. Models are reused from `<run>/roles/without-<engine>/` when unchanged.
 */
export async function leaveOneEngineOut(input: {
  readonly engines: readonly string[];
  readonly raw: RawSplits;
  readonly train: TrainConfig;
  readonly common: Omit<Parameters<typeof trainRole>[0], 'role' | 'train' | 'data'>;
  /** How the published model's ONNX files are built (the run's quantize settings and export config), and the run's seed. */
  readonly onnx: { readonly settings: QuantizeSettings; readonly exportConfig: ExportConfig; readonly seed: number };
}): Promise<EngineHoldoutResult[]> {
  const { raw } = input;
  const results: EngineHoldoutResult[] = [];
  for (const heldOut of input.engines) {
    const role = HOLDOUT_ROLES[heldOut];
    if (role === undefined) throw new Error(`leaveOneEngineOut: no role for engine '${heldOut}' (known: ${Object.keys(HOLDOUT_ROLES).join(', ')})`);
    const seen = (id: string): boolean => engineOf(id) !== heldOut;
    const rawTrain = subsetWhere(raw.train, seen);
    const norm = trainingNormalization(rawTrain);
    const trainRows = rowsWhere(raw.train, seen);
    const views = raw.views.map((v) => normalize(selectRows(v, trainRows), norm));
    const data = {
      train: normalize(rawTrain, norm),
      validation: normalize(subsetWhere(raw.validation, seen), norm),
      test: normalize(subsetWhere(raw.test, seen), norm),
      views,
      dataKey: configHash({ heldOut, train: (raw.train as { key?: string }).key ?? '', views: raw.views.map((v) => (v as { key?: string }).key ?? ''), norm }),
    };
    const trained = await trainRole({ ...input.common, role, train: input.train, data });
    const heldOutSet = normalize(concatSets([raw.train, raw.validation, raw.test].map((s) => subsetWhere(s, (id) => engineOf(id) === heldOut))), norm);
    const classes = trained.model.outputs[0]?.shape.at(-1) as number;
    const predict = (set: FeatureSet) => argmaxRows(predictLogits(trained.model, set), classes);
    const inDistribution = accuracyByVoice(data.test, argmaxRows(trained.testLogits, classes), 'in-distribution test').overall;
    const held = accuracyByVoice(heldOutSet, predict(heldOutSet), `${heldOut} (held out)`);
    const unseenSet = raw.unseenEngine === undefined ? undefined : normalize(raw.unseenEngine, norm);
    const unseen = unseenSet === undefined ? undefined : accuracyByVoice(unseenSet, predict(unseenSet), 'unseen engine');
    const started = performance.now();
    const variants = await holdoutVariants({
      role,
      model: trained.model,
      tfjsTestLogits: trained.testLogits,
      sets: { train: data.train, views: data.views, validation: data.validation, inDistribution: data.test, heldOut: heldOutSet, ...(unseenSet === undefined ? {} : { unseen: unseenSet }) },
      heldOutGroup: `${heldOut} (held out)`,
      ...input.onnx,
      reporter: input.common.reporter,
    });
    input.common.reporter.info(`${role}: ONNX fp32, fp16 and int8 built and measured in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    trained.model.dispose();
    results.push({
      role,
      heldOut,
      trainClips: data.train.count,
      validationAccuracy: trained.record.validationAccuracy,
      bestEpoch: trained.record.training.bestEpoch,
      trainSeconds: trained.record.training.seconds,
      inDistribution,
      heldOutEngine: held.overall,
      heldOutVoices: held.perVoice,
      ...(unseen === undefined ? {} : { unseenEngine: unseen.overall, unseenVoices: unseen.perVoice }),
      variants,
    });
  }
  return results;
}
