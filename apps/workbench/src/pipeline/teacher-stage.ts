// The distillation teacher of the keyword-spotter job: trained from the zoo, or an existing local model, and its logits.

import type { FeatureNormalization, FeatureSet, Reporter } from '@whittle/datasets';
import {
  accuracyOf,
  cachedTeacherLogits,
  describeTeacher,
  NO_MIXUP,
  resolveTrainConfig,
  teacherIdentity,
  trainConfigIdentity,
  type MonitorSet,
  type TeacherSource,
  type TrainConfig,
} from '@whittle/distill';
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
  /** Accuracy on the unseen engine (festival): at the chosen epoch for a trained role, from its logits for a given teacher. */
  readonly unseenAccuracy?: number;
}

export interface PreparedTeacher {
  /** Identity of the teacher's outputs, part of the distilled student's reuse key. */
  readonly key: string;
  /** Teacher logits for the training rows and each augmented view, in that order. */
  readonly viewLogits: readonly Float32Array[];
  readonly summary: RoleSummary;
  /** Models this stage trained (the caller disposes them): the zoo teacher, or the ensemble members it had to train. */
  readonly trained: readonly TrainedRole[];
  /** Report rows of ensemble members trained here (a member reused from another role is that role's row). */
  readonly members: readonly RoleSummary[];
}

/** The monitor name under which the job records the whole unseen engine every epoch (per-voice sets follow it). */
export const UNSEEN_MONITOR = 'unseen engine';

export function roleSummary(trained: TrainedRole): RoleSummary {
  const { record } = trained;
  const unseen = record.training.history.find((h) => h.epoch === record.training.bestEpoch)?.monitored?.[UNSEEN_MONITOR];
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
    ...(unseen === undefined ? {} : { unseenAccuracy: unseen }),
  };
}

/** Whether two train configs train the same model on the same data (regularisers that are off do not count). */
function sameTraining(a: TrainConfig, b: TrainConfig): boolean {
  return configHash(trainConfigIdentity(a)) === configHash(trainConfigIdentity(b));
}

/**
 * Train or load the teacher named by `choice` and compute (or read from the cache) its logits on every training view.
 * An ensemble member whose training equals a role in `reusable` (the student trained from scratch, same model, epochs
 * and seed) is that role's model, not a second training.
 */
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
  /** Already trained roles an ensemble member may be (see above). */
  reusable?: readonly TrainedRole[];
  /** The unseen engine's rows, normalised like `data`, for the teacher's unseen accuracy in the report. */
  unseen?: FeatureSet;
  common: { runDir: string; frames: number; bins: number; reporter: Reporter; resume: boolean; signal?: AbortSignal; monitor?: readonly MonitorSet[] };
}): Promise<PreparedTeacher | undefined> {
  const { choice, data, common } = input;
  const { reporter } = common;
  let source: TeacherSource;
  let trained: TrainedRole | undefined;
  const membersTrained: TrainedRole[] = [];
  let ensembleModel: string | undefined;
  // Parameters and MACs of the whole ensemble: every member runs for every row.
  let ensembleSize: { params: number; macs: number } | undefined;
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
    case 'ensemble': {
      // Each member is the zoo teacher's recipe with its own seed: different initialisations, shuffles and
      // augmentation draws make different mistakes on voices none of them heard, and the mean hides many of them.
      const members: TeacherSource[] = [];
      const names: string[] = [];
      for (const seed of choice.seeds) {
        const train = resolveTrainConfig({ ...input.train, model: choice.model, epochs: choice.epochs, seed, labelSmoothing: 0, mixup: NO_MIXUP });
        const reused = input.reusable?.find((r) => sameTraining(r.record.train, train));
        const member = reused ?? (await trainRole({ ...common, role: `teacher-seed${seed}`, train, data }));
        if (reused === undefined) membersTrained.push(member);
        else reporter.info(`ensemble member seed ${seed}: the ${reused.record.role} student (same model, epochs, seed and data)`);
        names.push(reused === undefined ? String(seed) : `${seed} (the ${reused.record.role} student)`);
        members.push({ kind: 'layers', model: member.model, name: `${choice.model} seed ${seed}` });
        ensembleSize = { params: (ensembleSize?.params ?? 0) + member.record.model.params, macs: (ensembleSize?.macs ?? 0) + member.record.model.macs };
      }
      ensembleModel = `mean of ${choice.seeds.length} ${choice.model} (seeds ${names.join(', ')})`;
      source = { kind: 'ensemble', members };
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
    return { key: trained.record.key, viewLogits, summary: roleSummary(trained), trained: [trained], members: [] };
  }
  const identity = await teacherIdentity(source);
  const validationLogits = await logitsOf(data.validation, input.validationAudio);
  const testLogits = await logitsOf(data.test, input.testAudio);
  // Only feature teachers score the unseen engine here: a transformers.js teacher would need its waveforms.
  const unseenLogits = input.unseen === undefined || source.kind === 'transformers' ? undefined : (await cachedTeacherLogits(source, input.unseen, options)).logits;
  const memberSummaries = membersTrained.map(roleSummary);
  const summary: RoleSummary = {
    role: 'teacher',
    model: ensembleModel ?? describeTeacher(source),
    ...(ensembleSize ?? {}),
    loss: ensembleModel === undefined ? 'given (not trained here)' : "members' mean probabilities",
    validationAccuracy: accuracyOf(validationLogits, data.validation.labels),
    testAccuracy: accuracyOf(testLogits, data.test.labels),
    ...(unseenLogits === undefined || input.unseen === undefined ? {} : { unseenAccuracy: accuracyOf(unseenLogits, input.unseen.labels) }),
  };
  reporter.info(
    `teacher ${summary.model}: validation ${(summary.validationAccuracy * 100).toFixed(2)}%, test ${(summary.testAccuracy * 100).toFixed(2)}%` +
      (summary.unseenAccuracy === undefined ? '' : `, unseen engine ${(summary.unseenAccuracy * 100).toFixed(2)}%`),
  );
  return { key: identity, viewLogits, summary, trained: membersTrained, members: memberSummaries };
}

async function sequential<T>(tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (const task of tasks) out.push(await task());
  return out;
}
