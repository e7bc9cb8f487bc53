// The distillation teacher of the keyword-spotter job: trained from the zoo, or an existing local model, and its logits.

import type { FeatureNormalization, FeatureSet, Reporter } from '@whittle/datasets';
import { accuracyOf, cachedTeacherLogits, describeTeacher, NO_MIXUP, resolveTrainConfig, teacherIdentity, type MonitorSet, type TeacherSource, type TrainConfig } from '@whittle/distill';
import { configHash } from '../runtime/provenance.ts';
import type { TeacherChoice } from './keyword-spotter-config.ts';
import { trainRole, type RoleData, type TrainedRole, type TrainRole } from './train-role.ts';

/** One row of the report's distillation table. */
export interface RoleSummary {
  readonly role: TrainRole;
  /** Zoo name, or the file/folder an external teacher came from. */
  readonly model: string;
  readonly params?: number;
  readonly macs?: number;
  readonly loss: string;
  readonly epochsRun?: number;
  readonly bestEpoch?: number;
  readonly trainSeconds?: number;
  readonly samplesPerSecond?: number;
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
}

export interface PreparedTeacher {
  /** Identity of the teacher's outputs, part of the distilled student's reuse key. */
  readonly key: string;
  /** Teacher logits for the training rows and each augmented view, in that order. */
  readonly viewLogits: readonly Float32Array[];
  readonly summary: RoleSummary;
  /** Set when the job trained the teacher itself (the caller disposes its model). */
  readonly trained?: TrainedRole;
}

export function roleSummary(trained: TrainedRole): RoleSummary {
  const { record } = trained;
  const loss = record.train.loss.kind === 'distillation' ? `distillation (α ${record.train.loss.alpha}, T ${record.train.loss.temperature})` : 'cross-entropy';
  return {
    role: record.role,
    model: record.model.name,
    params: record.model.params,
    macs: record.model.macs,
    loss,
    epochsRun: record.training.history.length,
    bestEpoch: record.training.bestEpoch,
    trainSeconds: record.training.seconds,
    samplesPerSecond: record.training.samplesPerSecond,
    validationAccuracy: record.validationAccuracy,
    testAccuracy: record.testAccuracy,
  };
}

/** Train or load the teacher named by `choice` and compute (or read from the cache) its logits on every training view. */
export async function prepareTeacher(input: {
  choice: TeacherChoice;
  train: TrainConfig;
  data: RoleData;
  /** The clean training clips as 16 kHz waveforms, row by row (transformers.js teachers featurise audio themselves). */
  trainAudio: (row: number) => Promise<Float32Array>;
  testAudio: (row: number) => Promise<Float32Array>;
  validationAudio: (row: number) => Promise<Float32Array>;
  normalization: FeatureNormalization;
  cacheDir: string;
  common: { runDir: string; frames: number; bins: number; reporter: Reporter; resume: boolean; signal?: AbortSignal; monitor?: readonly MonitorSet[] };
}): Promise<PreparedTeacher | undefined> {
  const { choice, data, common } = input;
  const { reporter } = common;
  let source: TeacherSource;
  let trained: TrainedRole | undefined;
  switch (choice.kind) {
    case 'none':
      return undefined;
    case 'zoo': {
      // Label smoothing and mixup are the student's levers: a teacher trained with smoothed targets distils worse
      // (Müller et al. 2019), so the teacher keeps hard targets.
      const train = resolveTrainConfig({ ...input.train, model: choice.model, epochs: choice.epochs, labelSmoothing: 0, mixup: NO_MIXUP });
      trained = await trainRole({ ...common, role: 'teacher', train, data });
      source = { kind: 'layers', model: trained.model, name: `${choice.model} (trained by this job)` };
      break;
    }
    case 'onnx':
      source = { kind: 'onnx', path: choice.path };
      break;
    case 'transformers':
      source = { kind: 'transformers', dir: choice.dir };
      break;
  }
  const options = {
    cacheDir: input.cacheDir,
    reporter,
    setNormalization: input.normalization,
    ...(common.signal === undefined ? {} : { signal: common.signal }),
  };
  const logitsOf = async (set: FeatureSet, audio: (row: number) => Promise<Float32Array>) => (await cachedTeacherLogits(source, set, { ...options, audio })).logits;
  // A transformers.js teacher hears clean audio only (the copies exist as features, not waveforms): its logits for
  // the original rows serve every view. The others see exactly the rows the student sees.
  const viewLogits =
    source.kind === 'transformers'
      ? [await logitsOf(data.train, input.trainAudio)]
      : await sequential([data.train, ...data.views].map((view) => () => logitsOf(view, input.trainAudio)));
  if (trained !== undefined) {
    reporter.info(`teacher logits: ${viewLogits.length} training view(s) of ${data.train.count} rows`);
    return { key: trained.record.key, viewLogits, summary: roleSummary(trained), trained };
  }
  const identity = await teacherIdentity(source);
  const validationLogits = await logitsOf(data.validation, input.validationAudio);
  const testLogits = await logitsOf(data.test, input.testAudio);
  const summary: RoleSummary = {
    role: 'teacher',
    model: describeTeacher(source),
    loss: 'given (not trained here)',
    validationAccuracy: accuracyOf(validationLogits, data.validation.labels),
    testAccuracy: accuracyOf(testLogits, data.test.labels),
  };
  reporter.info(`teacher ${summary.model}: validation ${(summary.validationAccuracy * 100).toFixed(2)}%, test ${(summary.testAccuracy * 100).toFixed(2)}%`);
  return { key: identity, viewLogits, summary };
}

async function sequential<T>(tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (const task of tasks) out.push(await task());
  return out;
}
