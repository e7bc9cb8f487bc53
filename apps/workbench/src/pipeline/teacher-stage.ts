// The distillation teacher of the keyword-spotter job: trained from the zoo, or an existing local model, and its logits.

import type { Reporter } from '@whittle/datasets';
import { predictLogits, resolveTrainConfig, type TrainConfig } from '@whittle/distill';
import { ConfigError } from '@whittle/datasets';
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

/** Train or load the teacher named by `choice` and compute its logits on every training view; undefined for 'none'. */
export async function prepareTeacher(input: {
  choice: TeacherChoice;
  train: TrainConfig;
  data: RoleData;
  common: { runDir: string; frames: number; bins: number; reporter: Reporter; resume: boolean; signal?: AbortSignal };
}): Promise<PreparedTeacher | undefined> {
  const { choice, data } = input;
  switch (choice.kind) {
    case 'none':
      return undefined;
    case 'zoo': {
      const train = resolveTrainConfig({ ...input.train, model: choice.model, epochs: choice.epochs });
      const trained = await trainRole({ ...input.common, role: 'teacher', train, data });
      const viewLogits = [data.train, ...data.views].map((view) => predictLogits(trained.model, view));
      return { key: trained.record.key, viewLogits, summary: roleSummary(trained), trained };
    }
    default:
      throw new ConfigError(`Teacher kind '${choice.kind}' is not wired into the job yet. Supported: none, zoo`);
  }
}

