// Stage 5: assemble config.json, preprocessor_config.json, manifest and model card, then publish.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { preprocessorConfigFor, type Reporter } from '@whittle/datasets';
import type { ComparisonReport } from '@whittle/eval';
import { publishModel, type PublishOutcome } from './publish-model.ts';
import type { OnnxRecord } from './quantize-stage.ts';
import { runLayout } from './run-layout.ts';
import type { TrainRecord } from './train-stage.ts';
import { renderModelCard, variantHeadline } from './model-card.ts';

export async function runPublishStage(input: { runDir: string; modelsRoot: string; version?: string; reporter: Reporter }): Promise<PublishOutcome> {
  const layout = runLayout(input.runDir);
  const record = JSON.parse(await readFile(layout.trainRecord, 'utf8')) as TrainRecord;
  const onnxRecord = JSON.parse(await readFile(layout.onnxRecord, 'utf8')) as OnnxRecord;
  const report = JSON.parse(await readFile(layout.reportJson, 'utf8')) as ComparisonReport;
  const labels = record.labels;
  const config = {
    // transformers.js picks its model wrapper by model_type; the AST wrapper is the generic
    // "input_values -> logits" audio classifier, which is exactly this graph's interface.
    model_type: 'audio-spectrogram-transformer',
    architectures: ['ASTForAudioClassification'],
    num_labels: labels.length,
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
    whittle: { architecture: record.model.name, params: record.model.params, macs: record.model.macs, input: [record.config.frontEnd.frames, record.config.frontEnd.numMelBins] },
  };
  const metrics = variantHeadline(report);
  const published = onnxRecord.variants.filter((v) => v.published);
  const manifest = {
    producer: record.provenance.producer,
    producerVersion: record.provenance.producerVersion,
    gitCommit: record.provenance.gitCommit,
    date: new Date().toISOString(),
    task: 'audio-classification',
    labels,
    variants: Object.fromEntries(published.map((v) => [v.id, `onnx/${v.file}`])),
    metrics,
    onnx: onnxRecord,
    data: { ...record.dataset, source: record.config.data },
    frontEnd: record.config.frontEnd,
    normalization: record.normalization,
    training: {
      config: record.config.train,
      backend: record.backend,
      bestEpoch: record.training.bestEpoch,
      bestValidationAccuracy: record.training.bestValidationAccuracy,
      samplesPerSecond: record.training.samplesPerSecond,
      seconds: record.training.seconds,
      history: record.training.history,
      augment: record.config.augment,
      distillation: { student: record.student, teacher: record.config.distill.teacher, loss: record.config.distill.loss, roles: record.roles },
    },
    // Voices and engines it never trained on: the generalization gap is a headline number.
    generalization: (report.extra as { generalization?: unknown } | undefined)?.generalization ?? null,
    quantization: {
      settings: onnxRecord.settings,
      // The accuracy-aware int8: layers kept in float and the validation drop they leave.
      int8: onnxRecord.int8,
      variants: onnxRecord.variants,
      qat: onnxRecord.qat,
    },
    configHash: record.configHash,
    runtime: { node: record.provenance.node, packages: record.provenance.packages, cpu: record.provenance.cpu },
  };
  return publishModel(
    input.modelsRoot,
    {
      name: record.config.publish.name,
      onnxFiles: Object.fromEntries(published.map((v) => [`onnx/${v.file}`, join(layout.onnx, v.file)])),
      config,
      preprocessorConfig: preprocessorConfigFor(record.config.frontEnd, record.normalization),
      manifest,
      modelCard: (version) => renderModelCard({ version, record, onnxRecord, report }),
      extraFiles: { 'report.md': layout.reportMd, 'report.json': layout.reportJson, 'layer-report.json': join(layout.onnx, onnxRecord.layerReport) },
    },
    input.version === undefined ? { reporter: input.reporter } : { version: input.version, reporter: input.reporter },
  );
}
