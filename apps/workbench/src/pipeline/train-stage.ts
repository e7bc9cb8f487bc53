// Stage 2: features for every split, then DS-CNN training; writes the tfjs model and its record.

import { rm, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { KWS_LABELS, writeDirAtomic, type FeatureNormalization, type Reporter } from '@whittle/datasets';
import { countMacs, getModelSpec, predictLogits, saveLayersModel, trainClassifier, type TrainResult } from '@whittle/distill';
import { useTfBackend } from '../runtime/tf-backend.ts';
import { collectProvenance, configHash, type Provenance } from '../runtime/provenance.ts';
import type { KeywordSpotterConfig } from './keyword-spotter-config.ts';
import { runLayout } from './run-layout.ts';
import { normalized, speechIndex, splitFeatures, summarizeDataset, trainingNormalization, type DatasetSummary } from './speech-features.ts';

/** Everything later stages and the published manifest need to know about training. */
export interface TrainRecord {
  readonly config: KeywordSpotterConfig;
  readonly configHash: string;
  readonly labels: readonly string[];
  readonly normalization: FeatureNormalization;
  readonly dataset: DatasetSummary & { readonly featureKeys: Readonly<Record<string, string>> };
  readonly model: { readonly name: string; readonly params: number; readonly macs: number };
  readonly backend: { readonly name: string; readonly rejected: readonly { name: string; reason: string }[] };
  readonly training: TrainResult;
  readonly tfjsTest: { readonly accuracy: number; readonly count: number };
  readonly provenance: Provenance;
  readonly finishedAt: string;
}

/**
 * Train into `<run>/train/`, checkpointing every epoch to `<run>/checkpoints/`. `resume` continues an interrupted run;
 * `signal` stops it between steps (TrainingInterruptedError). train/ is only written when training succeeded.
 */
export async function runTrainStage(input: {
  dataDir: string;
  runDir: string;
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
  const [trainSet, validationSet, testSet] = [rawTrain, rawValidation, rawTest].map((s) => normalized(s, norm)) as [typeof rawTrain, typeof rawTrain, typeof rawTrain];

  const spec = getModelSpec(config.train.model);
  const model = spec.build({ inputFrames: config.frontEnd.frames, inputBins: config.frontEnd.numMelBins, numClasses: KWS_LABELS.length }, config.train.seed);
  const macs = countMacs(model);
  reporter.info(`model ${spec.name}: ${model.countParams()} parameters, ${(macs / 1e6).toFixed(2)} M MACs per clip`);
  const training = await trainClassifier(model, trainSet, validationSet, config.train, reporter, {
    checkpointDir: layout.checkpoints,
    resume: input.resume === true,
    ...(input.signal === undefined ? {} : { signal: input.signal }),
  });

  const testLogits = predictLogits(model, testSet);
  let correct = 0;
  for (let i = 0; i < testSet.count; i++) {
    const row = testLogits.subarray(i * KWS_LABELS.length, (i + 1) * KWS_LABELS.length);
    if (row.indexOf(Math.max(...row)) === testSet.labels[i]) correct++;
  }
  const record: TrainRecord = {
    config,
    configHash: configHash(config),
    labels: KWS_LABELS,
    normalization: norm,
    dataset: { ...dataset, featureKeys: { training: (rawTrain as { key?: string }).key ?? '', validation: (rawValidation as { key?: string }).key ?? '', testing: (rawTest as { key?: string }).key ?? '' } },
    model: { name: spec.name, params: model.countParams(), macs },
    backend: { name: backend.name, rejected: backend.failures },
    training,
    tfjsTest: { accuracy: testSet.count ? correct / testSet.count : 0, count: testSet.count },
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
  // Checkpoints only serve to finish this run; once train/ exists they would block the next fresh run (no --resume).
  await rm(layout.checkpoints, { recursive: true, force: true });
  model.dispose();
  tf.disposeVariables();
  reporter.info(`trained: best epoch ${training.bestEpoch}, validation ${(training.bestValidationAccuracy * 100).toFixed(2)}%, tfjs test ${(record.tfjsTest.accuracy * 100).toFixed(2)}%, ${training.samplesPerSecond.toFixed(0)} samples/s on ${backend.name}`);
  return record;
}
