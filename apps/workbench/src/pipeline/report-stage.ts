// Stage 4: evaluate tfjs fp32 and every ONNX mode (fp32, fp16, int8, dynamic int8, QAT, compared recipes) on the test split; write the report.

import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Reporter } from '@whittle/datasets';
import { argmaxRows, buildComparisonReport, evaluateVariants, writeReport, type ComparisonReport, type ReportSection, type VariantSpec } from '@whittle/eval';
import type { LayerReport } from '@whittle/quantize';
import { int8SpeedSection, latencySection } from './latency-sections.ts';
import { leaveOneEngineOutSection, leaveOneEngineOutVoicesSection, realSpeechSection, unseenByEpochSection, unseenEngineSection, unseenVoicesSection, type RealSpeechPrediction, type UnseenVariantResult } from './generalization-sections.ts';
import { onnxLogits } from './onnx-accuracy.ts';
import { fallbackSection, layerSection, modesSection } from './quantization-sections.ts';
import { accuracyByVoice } from './speaker-groups.ts';
import { benchQuantizeVariants } from './quantize-latency.ts';
import type { OnnxRecord } from './quantize-stage.ts';
import { runLayout } from './run-layout.ts';
import { normalized, speechIndex, splitFeatures } from './speech-features.ts';
import type { TrainRecord } from './train-stage.ts';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** Teacher, student from scratch and distilled student on the same splits: what distillation bought, measured. */
function trainingSection(record: TrainRecord): ReportSection {
  const roles = record.roles ?? [];
  const scratch = roles.find((r) => r.role === 'scratch');
  const distilled = roles.find((r) => r.role === 'distilled');
  const gain =
    scratch !== undefined && distilled !== undefined
      ? ` Distillation changed the student's test accuracy by ${((distilled.testAccuracy - scratch.testAccuracy) * 100 >= 0 ? '+' : '')}${((distilled.testAccuracy - scratch.testAccuracy) * 100).toFixed(2)} points (validation ${((distilled.validationAccuracy - scratch.validationAccuracy) * 100 >= 0 ? '+' : '')}${((distilled.validationAccuracy - scratch.validationAccuracy) * 100).toFixed(2)}).`
      : '';
  return {
    title: 'Teacher and students (tfjs fp32)',
    text:
      `Every model below is measured on the same validation and test splits (and, where measured, the unseen engine at the epoch each run kept). ` +
      `The shipped student is **${record.student ?? 'scratch'}**, chosen on validation accuracy.${gain}`,
    table: {
      header: ['role', 'model', 'params', 'M MACs', 'loss', 'epochs (kept)', 'train s', 'samples/s', 'validation', 'test', 'unseen engine'],
      rows: roles.map((r) => [
        r.role,
        r.model,
        r.params === undefined ? 'n/a' : r.params.toLocaleString('en-US'),
        r.macs === undefined ? 'n/a' : (r.macs / 1e6).toFixed(2),
        r.loss,
        r.epochsRun === undefined ? 'n/a' : `${r.epochsRun} (${r.bestEpoch})`,
        r.trainSeconds === undefined ? 'n/a' : r.trainSeconds.toFixed(0),
        r.samplesPerSecond === undefined ? 'n/a' : r.samplesPerSecond.toFixed(0),
        pct(r.validationAccuracy),
        pct(r.testAccuracy),
        r.unseenAccuracy === undefined ? 'n/a' : pct(r.unseenAccuracy),
      ]),
      align: ['l', 'l', 'r', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
    },
  };
}

/** Softmax of one row of logits: the top class and its probability. */
function topOf(logits: Float32Array, row: number, classes: number, labels: readonly string[]): { label: string; score: number } {
  const r = logits.subarray(row * classes, (row + 1) * classes);
  const max = Math.max(...r);
  const exp = Array.from(r, (x) => Math.exp(x - max));
  const total = exp.reduce((a, b) => a + b, 0);
  const top = exp.indexOf(Math.max(...exp));
  return { label: labels[top] as string, score: (exp[top] as number) / total };
}

export async function runReportStage(input: { dataDir: string; runDir: string; unseenDir?: string; realSpeechDir?: string; reporter: Reporter }): Promise<ComparisonReport> {
  const { reporter } = input;
  const layout = runLayout(input.runDir);
  const record = JSON.parse(await readFile(layout.trainRecord, 'utf8')) as TrainRecord;
  const onnxRecord = JSON.parse(await readFile(layout.onnxRecord, 'utf8')) as OnnxRecord;
  const layerReport = JSON.parse(await readFile(join(layout.onnx, onnxRecord.layerReport), 'utf8')) as LayerReport;
  const { config } = record;
  const entries = await speechIndex(input.dataDir, { seed: config.train.seed });
  const test = normalized(await splitFeatures(entries, 'testing', config.frontEnd, { cacheDir: layout.featureCache, reporter }), record.normalization);
  const tfjsBytes = await readFile(layout.tfjsTestLogits);
  const weightsBytes = (await stat(`${layout.train}/weights.bin`)).size + (await stat(`${layout.train}/model.json`)).size;

  const onnxVariants: VariantSpec[] = onnxRecord.variants.map((v) => ({ id: v.id, kind: 'onnx', path: join(layout.onnx, v.file), description: v.description }));
  reporter.info(`evaluating ${onnxVariants.length + 1} variants on ${test.count} test clips`);
  const variants = await evaluateVariants(
    [
      ...onnxVariants,
      {
        id: 'tfjs-fp32',
        kind: 'precomputed',
        logits: new Float32Array(tfjsBytes.buffer.slice(tfjsBytes.byteOffset, tfjsBytes.byteOffset + tfjsBytes.byteLength)),
        sizeBytes: weightsBytes,
        description: `tfjs layers model (model.json + weights.bin) on ${record.backend.name}`,
      },
    ],
    test,
    [...record.labels],
    { latencyRuns: config.eval.latencyRuns, latencyWarmup: config.eval.latencyWarmup, threads: 1, reporter },
  );
  // Speed, honestly: the published modes at batch 1 and N on one thread and every core, then fp32 vs int8 per
  // optimization level with profiles, all interleaved in this process on a real test clip.
  const published = onnxRecord.variants.filter((v) => v.published).map((v) => ({ id: v.id, path: join(layout.onnx, v.file) }));
  const clip = test.features.slice(0, test.frames * test.bins);
  const dims = [test.frames, test.bins];
  const cores = availableParallelism();
  const runs = config.eval.latencyRuns;
  const warmup = config.eval.latencyWarmup;
  reporter.info(`latency: ${published.map((v) => v.id).join(', ')} at batch 1 and 32 on 1 and ${cores} thread(s), ${runs} runs each`);
  const sweep = await benchQuantizeVariants(published, clip, dims, { batches: [1, 32], threads: [...new Set([1, cores])], levels: ['all'], runs, warmup, profile: false });
  const speed = await benchQuantizeVariants(
    published.filter((v) => v.id === 'fp32' || v.id === 'int8'),
    clip,
    dims,
    { batches: [1], threads: [1], levels: ['disabled', 'basic', 'extended', 'all'], runs, warmup, profile: true },
  );
  // Generalization: every ONNX variant on the engine no model trains on, per voice; leave-one-engine-out from training.
  const unseen = input.unseenDir === undefined ? undefined : normalized(await splitFeatures(await speechIndex(input.unseenDir, { seed: config.train.seed, allClipsAsTest: true }), 'testing', config.frontEnd, { cacheDir: layout.featureCache, reporter }), record.normalization);
  const unseenResults: UnseenVariantResult[] = [];
  if (unseen !== undefined) {
    for (const v of onnxRecord.variants) {
      const logits = await onnxLogits(await readFile(join(layout.onnx, v.file)), unseen, record.labels.length);
      const { overall, perVoice } = accuracyByVoice(unseen, argmaxRows(logits, record.labels.length), 'unseen engine');
      unseenResults.push({ id: v.id, testAccuracy: variants.find((x) => x.id === v.id)?.metrics.accuracy ?? 0, unseen: overall, perVoice });
    }
    const fp32 = unseenResults.find((r) => r.id === 'fp32');
    if (fp32 !== undefined) reporter.info(`unseen engine: fp32 ${(fp32.unseen.accuracy * 100).toFixed(2)}% on ${unseen.count} clips (test ${(fp32.testAccuracy * 100).toFixed(2)}%); weakest voice ${fp32.perVoice[0]?.group} ${((fp32.perVoice[0]?.accuracy ?? 0) * 100).toFixed(2)}%`);
  }
  // Real human speech: the published variants' prediction for every clip of the tiny labelled set.
  const realDir = input.realSpeechDir === undefined || existsSync(input.realSpeechDir) ? input.realSpeechDir : undefined;
  if (realDir !== input.realSpeechDir) reporter.warn(`real speech set ${input.realSpeechDir} not found: its section is left out of the report`);
  const real = realDir === undefined ? undefined : normalized(await splitFeatures(await speechIndex(realDir, { seed: config.train.seed, allClipsAsTest: true }), 'testing', config.frontEnd, { cacheDir: layout.featureCache, reporter }), record.normalization);
  const realPredictions: RealSpeechPrediction[] = [];
  const realVariants = onnxRecord.variants.filter((v) => v.published).map((v) => v.id);
  if (real !== undefined) {
    const logits = new Map<string, Float32Array>();
    for (const v of onnxRecord.variants.filter((x) => x.published)) logits.set(v.id, await onnxLogits(await readFile(join(layout.onnx, v.file)), real, record.labels.length));
    real.ids.forEach((id, row) => {
      realPredictions.push({
        clip: id,
        label: record.labels[real.labels[row] as number] as string,
        predictions: Object.fromEntries([...logits].map(([v, l]) => [v, topOf(l, row, record.labels.length, record.labels)])),
      });
    });
  }
  const byEpoch = unseenByEpochSection(record.training, record.config.train.keep);
  const generalization: ReportSection[] = [
    ...(unseen === undefined ? [] : [unseenEngineSection(unseenResults, unseen.count), unseenVoicesSection(unseenResults.filter((r) => onnxRecord.variants.find((v) => v.id === r.id)?.published))]),
    ...(byEpoch === undefined ? [] : [byEpoch]),
    ...((record.holdouts ?? []).length === 0 ? [] : [leaveOneEngineOutSection(record.holdouts, { configured: record.config.quantize, published: onnxRecord }), leaveOneEngineOutVoicesSection(record.holdouts)]),
    ...(realPredictions.length === 0 ? [] : [realSpeechSection(realPredictions, realVariants)]),
  ];

  const report = buildComparisonReport({
    title: `Keyword spotter (${record.model.name}): fp32 vs fp16 vs int8`,
    variants,
    classNames: [...record.labels],
    dataset: { dir: record.dataset.dir, split: 'testing', clips: test.count, speakers: record.dataset.speakers },
    sections: [
      ...generalization,
      trainingSection(record),
      modesSection(onnxRecord, variants, unseen === undefined ? undefined : new Map(unseenResults.map((r) => [r.id, r.unseen.accuracy]))),
      fallbackSection(onnxRecord),
      layerSection(layerReport),
      latencySection(sweep.measurements, cores),
      int8SpeedSection(speed.profiles ?? [], speed.measurements, speed.optimizedGraphs ?? []),
    ],
    extra: {
      model: record.model,
      backend: record.backend.name,
      augment: record.config.augment,
      training: {
        bestEpoch: record.training.bestEpoch,
        epochsRun: record.training.history.length,
        bestValidationAccuracy: record.training.bestValidationAccuracy,
        samplesPerSecond: record.training.samplesPerSecond,
        seconds: record.training.seconds,
      },
      onnx: onnxRecord,
      generalization: { unseen: unseenResults, holdouts: record.holdouts ?? [], realSpeech: realPredictions },
      latency: { cores, sweep: sweep.measurements, optimizationLevels: speed.measurements, optimizedGraphs: speed.optimizedGraphs },
      configHash: record.configHash,
      gitCommit: record.provenance.gitCommit,
    },
  });
  const paths = await writeReport(layout.report, report);
  reporter.info(`report: ${paths.mdPath}`);
  return report;
}
