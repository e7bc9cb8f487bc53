// Stage 2: features for every split, then DS-CNN training; writes the tfjs model and its record.

import { writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { assertNoHeldOutEngine, KWS_LABELS, writeDirAtomic, type FeatureNormalization, type FeatureSet, type Reporter } from '@whittle/datasets';
import { accuracyOf, predictLogits, resolveTrainConfig, saveLayersModel, type TrainResult } from '@whittle/distill';
import { argmaxRows } from '@whittle/eval';
import { useTfBackend } from '../runtime/tf-backend.ts';
import { collectProvenance, configHash, type Provenance } from '../runtime/provenance.ts';
import type { KeywordSpotterConfig } from './keyword-spotter-config.ts';
import { runLayout } from './run-layout.ts';
import { prepareTeacher, roleSummary, UNSEEN_MONITOR, type RoleSummary } from './teacher-stage.ts';
import { leaveOneEngineOut, type EngineHoldoutResult } from './leave-one-engine-out.ts';
import { jobExportConfig } from './onnx-export-config.ts';
import { accuracyByVoice, monitorSetsByVoice, type GroupAccuracy } from './speaker-groups.ts';
import { trainRole, type RoleData, type TrainedRole, type TrainRole } from './train-role.ts';
import { augmentedTrainingViews, normalized, speechIndex, splitAudio, splitFeatures, summarizeDataset, trainingNormalization, type DatasetSummary } from './speech-features.ts';

/** Everything later stages and the published manifest need to know about training. */
export interface TrainRecord {
  readonly config: KeywordSpotterConfig;
  readonly configHash: string;
  readonly labels: readonly string[];
  readonly normalization: FeatureNormalization;
  readonly dataset: DatasetSummary & { readonly featureKeys: Readonly<Record<string, string>> };
  /** The shipped student's architecture. */
  readonly model: { readonly name: string; readonly params: number; readonly macs: number };
  /** Which student ships: the distilled one when its validation accuracy is at least the scratch one's. */
  readonly student: TrainRole;
  /** Teacher, student from scratch and distilled student, each measured on the same validation and test splits. */
  readonly roles: readonly RoleSummary[];
  readonly backend: { readonly name: string; readonly rejected: readonly { name: string; reason: string }[] };
  readonly training: TrainResult;
  readonly tfjsTest: { readonly accuracy: number; readonly count: number };
  /** The shipped student (tfjs fp32) on the unseen engine, when its clips were given: overall and per voice, weakest first. */
  readonly unseenEngine?: { readonly overall: GroupAccuracy; readonly perVoice: readonly GroupAccuracy[] };
  /** The student's recipe trained without each engine in `config.generalization.leaveOneEngineOut`, measured on it. */
  readonly holdouts: readonly EngineHoldoutResult[];
  readonly provenance: Provenance;
  readonly finishedAt: string;
}

/**
 * Train the teacher, the student from scratch and the distilled student (each into `<run>/roles/<role>/`, checkpointing
 * every epoch to `<run>/checkpoints/<role>/`), then write the chosen student to `<run>/train/`. `resume` continues an interrupted run;
 * `signal` stops it between steps (TrainingInterruptedError). train/ is only written when training succeeded.
 */
export async function runTrainStage(input: {
  dataDir: string;
  runDir: string;
  /** Clips of an engine no model trains on (festival), in the Speech Commands layout, every clip a test clip. */
  unseenDir?: string;
  config: KeywordSpotterConfig;
  backend?: string;
  reporter: Reporter;
  resume?: boolean;
  signal?: AbortSignal;
}): Promise<TrainRecord> {
  const { config, reporter } = input;
  const layout = runLayout(input.runDir);
  // Provenance of the code this process loaded: taken before training, not after it, so edits made
  // to the tree while a long run trains cannot be attributed to (or mark as dirty) this model.
  const provenance = collectProvenance();
  const backend = await useTfBackend(input.backend);
  reporter.info(`tfjs backend: ${backend.name}${backend.failures.length ? ` (skipped: ${backend.failures.map((f) => `${f.name}: ${f.reason.split('\n')[0]}`).join('; ')})` : ''}`);

  const entries = await speechIndex(input.dataDir, { seed: config.train.seed });
  const dataset = summarizeDataset(input.dataDir, entries);
  reporter.info(`data: ${dataset.clips.training} training, ${dataset.clips.validation} validation, ${dataset.clips.testing} test clips from ${input.dataDir}`);
  const opts = { cacheDir: layout.featureCache, reporter };
  const rawTrain = await splitFeatures(entries, 'training', config.frontEnd, opts);
  const rawValidation = await splitFeatures(entries, 'validation', config.frontEnd, opts);
  const rawTest = await splitFeatures(entries, 'testing', config.frontEnd, opts);
  const norm = trainingNormalization(rawTrain);
  const [trainSet, validationSet, testSet] = [rawTrain, rawValidation, rawTest].map((s) => normalized(s, norm)) as [FeatureSet, FeatureSet, FeatureSet];
  const featureKeys = { training: (rawTrain as { key?: string }).key ?? '', validation: (rawValidation as { key?: string }).key ?? '', testing: (rawTest as { key?: string }).key ?? '' };

  // Copies are normalised with the clean training statistics: those are what the published model's preprocessor applies.
  const rawViews = await augmentedTrainingViews(input.dataDir, entries, config.frontEnd, config.augment, config.train.seed, opts);
  const views = rawViews.map((v) => normalized(v, norm));
  const dataKey = configHash({ features: featureKeys, views: rawViews.map((v) => (v as { key?: string }).key ?? ''), normalization: norm });
  const studentTrain = resolveTrainConfig({ ...config.train, specAugment: config.augment.specAugment });
  const data: RoleData = { train: trainSet, validation: validationSet, test: testSet, views, dataKey };
  const common = { runDir: input.runDir, frames: config.frontEnd.frames, bins: config.frontEnd.numMelBins, reporter, resume: input.resume === true, ...(input.signal === undefined ? {} : { signal: input.signal }) };

  // The brief keeps festival for evaluation only: a training or validation clip from it is an error, whatever the folder.
  assertNoHeldOutEngine(entries, ['festival']);
  const unseenEntries = input.unseenDir === undefined ? undefined : await speechIndex(input.unseenDir, { seed: config.train.seed, allClipsAsTest: true });
  const unseenEngine = unseenEntries === undefined ? undefined : await splitFeatures(unseenEntries, 'testing', config.frontEnd, opts);
  const unseenSet = unseenEngine === undefined ? undefined : normalized(unseenEngine, norm);
  // The unseen engine, overall and per voice, measured after every epoch of the job's own roles: how it moves while
  // validation (in-distribution) picks the epoch. Recorded only; it never steers training.
  const monitor = unseenSet === undefined ? [] : monitorSetsByVoice(unseenSet, UNSEEN_MONITOR);

  // The student from scratch first: an ensemble teacher may count it as one of its members instead of training it twice.
  const scratch = await trainRole({ ...common, monitor, role: 'scratch', train: studentTrain, data });
  const teacher = await prepareTeacher({
    choice: config.distill.teacher,
    train: studentTrain,
    data,
    trainAudio: splitAudio(entries, 'training', config.frontEnd),
    validationAudio: splitAudio(entries, 'validation', config.frontEnd),
    testAudio: splitAudio(entries, 'testing', config.frontEnd),
    normalization: norm,
    cacheDir: layout.teacherCache,
    reusable: [scratch],
    ...(unseenSet === undefined ? {} : { unseen: unseenSet }),
    common: { ...common, monitor },
  });
  let distilled: TrainedRole | undefined;
  if (teacher !== undefined) {
    const train = resolveTrainConfig({ ...studentTrain, loss: config.distill.loss });
    distilled = await trainRole({ ...common, monitor, role: 'distilled', train, data: { ...data, teacherLogits: teacher.viewLogits, dataKey: configHash({ dataKey, teacher: teacher.key }) } });
  }
  // Leave-one-engine-out: the same recipe without one engine, measured on it and on the unseen engine.
  const holdouts = await leaveOneEngineOut({
    engines: config.generalization.leaveOneEngineOut,
    raw: { train: rawTrain, validation: rawValidation, test: rawTest, views: rawViews, ...(unseenEngine === undefined ? {} : { unseenEngine }) },
    train: studentTrain,
    common,
    // Each role is also measured as ONNX fp32, fp16 and int8, built as the quantize stage builds the published files.
    onnx: { settings: config.quantize, exportConfig: jobExportConfig(provenance, scratch.record.model.name, configHash(config)), seed: config.train.seed },
  });
  for (const h of holdouts) {
    reporter.info(`without ${h.heldOut}: in-distribution test ${(h.inDistribution.accuracy * 100).toFixed(2)}%, ${h.heldOut} ${(h.heldOutEngine.accuracy * 100).toFixed(2)}%${h.unseenEngine === undefined ? '' : `, unseen engine ${(h.unseenEngine.accuracy * 100).toFixed(2)}%`}`);
  }
  // The student that ships is chosen on validation, never on test: distillation has to earn its place.
  const chosen = distilled !== undefined && distilled.record.validationAccuracy >= scratch.record.validationAccuracy ? distilled : scratch;
  reporter.info(
    distilled === undefined
      ? 'student: trained from scratch (no teacher)'
      : `student: ${chosen.record.role} (validation ${(distilled.record.validationAccuracy * 100).toFixed(2)}% distilled vs ${(scratch.record.validationAccuracy * 100).toFixed(2)}% from scratch)`,
  );
  const model = chosen.model;
  const testLogits = chosen.testLogits;
  const unseenResult = unseenSet === undefined ? undefined : accuracyByVoice(unseenSet, argmaxRows(predictLogits(model, unseenSet), KWS_LABELS.length), 'unseen engine');
  if (unseenResult !== undefined) {
    reporter.info(`student on the unseen engine: ${(unseenResult.overall.accuracy * 100).toFixed(2)}% of ${unseenResult.overall.clips} clips; ${unseenResult.perVoice.map((v) => `${v.group} ${(v.accuracy * 100).toFixed(2)}%`).join(', ')}`);
  }
  const training = chosen.record.training;
  const record: TrainRecord = {
    config,
    configHash: configHash(config),
    labels: KWS_LABELS,
    normalization: norm,
    dataset: { ...dataset, featureKeys },
    model: chosen.record.model,
    student: chosen.record.role,
    roles: [...(teacher === undefined ? [] : [teacher.summary, ...teacher.members]), roleSummary(scratch), ...(distilled === undefined ? [] : [roleSummary(distilled)])],
    backend: { name: backend.name, rejected: backend.failures },
    training,
    tfjsTest: { accuracy: accuracyOf(testLogits, testSet.labels), count: testSet.count },
    ...(unseenResult === undefined ? {} : { unseenEngine: { overall: unseenResult.overall, perVoice: unseenResult.perVoice } }),
    holdouts,
    provenance,
    finishedAt: new Date().toISOString(),
  };
  await writeDirAtomic(
    layout.train,
    async (tmp) => {
      await saveLayersModel(model, tmp);
      await writeFile(`${tmp}/test-logits.f32`, new Uint8Array(testLogits.buffer));
      await writeFile(`${tmp}/train.json`, `${JSON.stringify(record, null, 2)}\n`);
    },
    { replace: true },
  );
  for (const trained of [...(teacher?.trained ?? []), scratch, distilled]) trained?.model.dispose();
  tf.disposeVariables();
  reporter.info(`trained: best epoch ${training.bestEpoch}, validation ${(training.bestValidationAccuracy * 100).toFixed(2)}%, tfjs test ${(record.tfjsTest.accuracy * 100).toFixed(2)}%, ${training.samplesPerSecond.toFixed(0)} samples/s on ${backend.name}`);
  return record;
}
