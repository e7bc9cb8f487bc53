// Trains one model of the job (teacher, student from scratch, distilled student) into its own folder, or reuses it.

import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { KWS_LABELS, writeDirAtomic, type FeatureSet, type Reporter } from '@whittle/datasets';
import { accuracyOf, countMacs, getModelSpec, loadLayersModel, predictLogits, saveLayersModel, trainClassifier, trainConfigIdentity, type MonitorSet, type TrainConfig, type TrainResult } from '@whittle/distill';
import { configHash } from '../runtime/provenance.ts';

/**
 * The job's models: teacher (or the members of an ensemble teacher, one per seed), the two students, and the
 * students trained without one engine (leave-one-engine-out).
 */
export type TrainRole = 'teacher' | `teacher-seed${number}` | 'scratch' | 'distilled' | 'without-espeak' | 'without-flite';

/** What the job records about each model it trained. */
export interface RoleRecord {
  readonly role: TrainRole;
  /** Hash of everything the result depends on; an equal key on disk means the model can be reused. */
  readonly key: string;
  readonly model: { readonly name: string; readonly params: number; readonly macs: number };
  readonly train: TrainConfig;
  readonly training: TrainResult;
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
}

export interface RoleData {
  readonly train: FeatureSet;
  readonly validation: FeatureSet;
  readonly test: FeatureSet;
  readonly views: readonly FeatureSet[];
  /** Teacher logits per view (first = the original rows), for the distillation loss. */
  readonly teacherLogits?: readonly Float32Array[];
  /** Content identity of the data above (feature keys, augmentation, teacher), part of the reuse key. */
  readonly dataKey: string;
}

export interface TrainedRole {
  readonly record: RoleRecord;
  readonly model: tf.LayersModel;
  readonly testLogits: Float32Array;
  readonly reused: boolean;
}

/** Folder of one role's finished model and record inside the run. */
export function roleDir(runDir: string, role: TrainRole): string {
  return join(runDir, 'roles', role);
}

/**
 * Train `role` with `train` into `<run>/roles/<role>/` (checkpoints in `<run>/checkpoints/<role>/`), or load it when
 * that folder already holds a model trained with the same key: a rerun after an interruption, or after a change
 * that only touched later roles, does not retrain what is done.
 */
export async function trainRole(input: {
  role: TrainRole;
  runDir: string;
  train: TrainConfig;
  data: RoleData;
  frames: number;
  bins: number;
  reporter: Reporter;
  resume: boolean;
  signal?: AbortSignal;
  /** Sets measured every epoch for the history only (the unseen engine, per voice), normalised like `data`. */
  monitor?: readonly MonitorSet[];
}): Promise<TrainedRole> {
  const { role, reporter, data } = input;
  const dir = roleDir(input.runDir, role);
  // The train config's identity leaves out regularisers that are off, so adding one to the library keeps old keys.
  const key = configHash({ role, train: trainConfigIdentity(input.train), data: data.dataKey, frames: input.frames, bins: input.bins });
  const existing = await readRoleRecord(dir);
  if (existing?.key === key) {
    reporter.info(`${role}: reusing ${dir} (same config and data; validation ${(existing.validationAccuracy * 100).toFixed(2)}%)`);
    const model = await loadLayersModel(dir);
    return { record: existing, model, testLogits: predictLogits(model, data.test), reused: true };
  }

  const spec = getModelSpec(input.train.model);
  const model = spec.build({ inputFrames: input.frames, inputBins: input.bins, numClasses: KWS_LABELS.length }, input.train.seed);
  const macs = countMacs(model);
  reporter.info(`${role}: ${spec.name}, ${model.countParams()} parameters, ${(macs / 1e6).toFixed(2)} M MACs per clip, loss ${input.train.loss.kind}`);
  const checkpointDir = join(input.runDir, 'checkpoints', role);
  const training = await trainClassifier(model, data.train, data.validation, input.train, reporter, {
    checkpointDir,
    resume: input.resume,
    views: data.views,
    ...(input.monitor === undefined ? {} : { monitor: input.monitor }),
    ...(data.teacherLogits === undefined || input.train.loss.kind !== 'distillation' ? {} : { teacherLogits: data.teacherLogits }),
    ...(input.signal === undefined ? {} : { signal: input.signal }),
  });
  const testLogits = predictLogits(model, data.test);
  const record: RoleRecord = {
    role,
    key,
    model: { name: spec.name, params: model.countParams(), macs },
    train: input.train,
    training,
    validationAccuracy: training.bestValidationAccuracy,
    testAccuracy: accuracyOf(testLogits, data.test.labels),
  };
  await writeDirAtomic(
    dir,
    async (tmp) => {
      await saveLayersModel(model, tmp);
      await writeFile(join(tmp, 'role.json'), `${JSON.stringify(record, null, 2)}\n`);
    },
    { replace: true },
  );
  // The finished folder supersedes the checkpoints, which would otherwise block the next fresh run of this role.
  await rm(checkpointDir, { recursive: true, force: true });
  reporter.info(`${role}: best epoch ${training.bestEpoch}, validation ${(record.validationAccuracy * 100).toFixed(2)}%, test ${(record.testAccuracy * 100).toFixed(2)}%`);
  return { record, model, testLogits, reused: false };
}

async function readRoleRecord(dir: string): Promise<RoleRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'role.json'), 'utf8')) as RoleRecord;
  } catch {
    return undefined;
  }
}
