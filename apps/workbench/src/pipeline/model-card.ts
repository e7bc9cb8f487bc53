// The published model's README.md: what it is, how to load it, and its measured numbers.

import type { ComparisonReport } from '@whittle/eval';
import { calibrationDataWords } from './calibration-rows.ts';
import type { RealSpeechPrediction, UnseenVariantResult } from './generalization-sections.ts';
import type { EngineHoldoutResult } from './leave-one-engine-out.ts';
import { PUBLISHED_ONNX_FILES } from './onnx-files.ts';
import type { OnnxRecord } from './quantize-stage.ts';
import type { TrainRecord } from './train-stage.ts';

/** Per-variant headline numbers for manifests and cards. */
export function variantHeadline(report: ComparisonReport): Record<string, { accuracy: number; sizeBytes: number; latencyP50Ms: number | null; latencyP95Ms: number | null }> {
  return Object.fromEntries(
    report.variants.map((v) => [v.id, { accuracy: v.metrics.accuracy, sizeBytes: v.sizeBytes, latencyP50Ms: v.latency?.p50 ?? null, latencyP95Ms: v.latency?.p95 ?? null }]),
  );
}

/** transformers.js picks the file by dtype: model{_fp16,_int8,_quantized}.onnx. */
const TRANSFORMERS_DTYPE: Readonly<Record<string, string>> = Object.fromEntries(PUBLISHED_ONNX_FILES.map((f) => [f.file, f.dtype]));

/** What the accuracy bound did to the int8 file. */
function int8Line(onnxRecord: OnnxRecord): string {
  const { int8 } = onnxRecord;
  const bound = int8.maxDrop === null ? 'no accuracy bound was set' : `the bound was ${int8.maxDrop} points`;
  const kept = int8.keptFloat.length === 0 ? 'every layer is int8' : `${int8.keptFloat.join(', ')} stayed float`;
  return `int8 on the validation split: ${(int8.accuracy * 100).toFixed(2)}% against fp32's ${(int8.baselineAccuracy * 100).toFixed(2)}% (drop ${int8.drop.toFixed(2)} points; ${bound}; ${kept}).`;
}

export function renderModelCard(input: { version: string; record: TrainRecord; onnxRecord: OnnxRecord; report: ComparisonReport }): string {
  const { version, record, onnxRecord, report } = input;
  const name = record.config.publish.name;
  const fileOf = new Map(onnxRecord.variants.map((v) => [v.id, v.published ? `onnx/${v.file}` : 'report only']));
  const rows = report.variants.map(
    (v) =>
      `| ${v.id} | ${fileOf.get(v.id) ?? 'report only'} | ${(v.metrics.accuracy * 100).toFixed(2)}% | ${v.sizeBytes.toLocaleString('en-US')} | ${v.latency ? v.latency.p50.toFixed(3) : 'n/a'} | ${v.latency ? v.latency.p95.toFixed(3) : 'n/a'} |`,
  );
  const synthetic = record.config.data.kind === 'synthetic';
  return `# ${name} ${version}

A ${record.labels.length}-class keyword spotter (${record.labels.join(', ')}) for 1 s clips of 16 kHz mono audio.
Architecture: ${record.model.name} (${record.model.params.toLocaleString('en-US')} parameters, ${(record.model.macs / 1e6).toFixed(2)} M multiply-accumulates per clip),
trained with TensorFlow.js on the ${record.backend.name} backend and exported to ONNX opset ${onnxRecord.opset} by Whittle.

## Files

| file | what |
| --- | --- |
${onnxRecord.variants
  .filter((v) => v.published)
  .map((v) => `| onnx/${v.file} | ${v.id}: ${v.description} (transformers.js dtype '${TRANSFORMERS_DTYPE[v.file] ?? v.id}') |`)
  .join('\n')}
| layer-report.json | per-layer int8 error (SNR, cosine, MSE, weight ranges and scales), most damaging layer first |
| config.json | labels (id2label / label2id) |
| preprocessor_config.json | the audio front end (transformers.js ASTFeatureExtractor: ${record.config.frontEnd.numMelBins} mel bins, ${record.config.frontEnd.frames} frames) |
| manifest.json | sha256 of every file, metrics, data, training config, backend, git commit, date |
| report.md / report.json | the full comparison (per-class recall, confusion matrices) |

## Use

\`\`\`js
import { env, pipeline } from '@huggingface/transformers';
env.allowRemoteModels = false;
env.localModelPath = '/path/to/models/';
const classify = await pipeline('audio-classification', '${name}/${version}', { dtype: 'int8' }); // or 'fp32', 'fp16', 'q8'
const scores = await classify(audio16kHzFloat32); // [{ label, score }, ...]
\`\`\`

\`config.json\` says \`model_type: audio-spectrogram-transformer\` only so transformers.js uses its generic
\`input_values -> logits\` audio-classification wrapper; the network is a ${record.model.name}.
With onnxruntime directly, feed \`input_values\` float32 [batch, ${record.config.frontEnd.frames}, ${record.config.frontEnd.numMelBins}] computed as in preprocessor_config.json; read \`logits\` [batch, ${record.labels.length}].

## Measured on the test split (${report.variants[0]?.metrics.count ?? 0} clips)

| variant | file | accuracy | bytes | p50 ms (batch 1, 1 thread) | p95 ms |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

${int8Line(onnxRecord)}

ONNX fp32 vs tfjs parity on the test split: max |Δlogit| ${onnxRecord.parity.maxAbsLogitDiff.toExponential(2)}, top-1 agreement ${(onnxRecord.parity.topOneAgreement * 100).toFixed(2)}%.

## Data and limits

${
  synthetic
    ? `Trained on synthetic speech generated on the build machine with espeak-ng and flite voices (random rate, pitch, time offset, noise); train, validation and test never share a voice. ${generalizationLine(report)}`
    : `Trained on the Speech Commands folder at ${record.dataset.dir}.`
}
${trainingLine(record, onnxRecord)}
${distillationLine(record)}
`;
}

/**
 * How the model was trained: epochs, augmentation, the regularisers that are on, and the int8's calibration data when it
 * is not the clean clips. Records written before VTLP, label smoothing or mixup existed lack those fields: off.
 */
export function trainingLine(record: TrainRecord, onnxRecord: OnnxRecord): string {
  const { augment } = record.config;
  const train: { labelSmoothing?: number; mixup?: { probability: number; alpha: number }; weightAverageDecay?: number; keep?: string } = record.config.train;
  const warp = augment.specAugment.freqWarp;
  const parts = [
    ...(augment.copies > 0
      ? [`${augment.copies} augmented copies of every training clip (${augment.preset === 'voice-channel' ? 'time shift, background noise, speed, pitch, reverb, band-limit, gain, clipping' : 'time shift, background noise'})`]
      : []),
    ...(augment.specAugment.timeMasks + augment.specAugment.freqMasks > 0 ? ['SpecAugment masks'] : []),
    ...(warp !== undefined && warp.probability > 0 ? [`VTLP frequency warp (probability ${warp.probability}, factor ${warp.factor[0]}-${warp.factor[1]})`] : []),
    ...((train.labelSmoothing ?? 0) > 0 ? [`label smoothing ${train.labelSmoothing}`] : []),
    ...(train.mixup !== undefined && train.mixup.probability > 0 ? [`mixup (probability ${train.mixup.probability}, alpha ${train.mixup.alpha})`] : []),
    ...((train.weightAverageDecay ?? 0) > 0 ? [`a moving average of the weights (decay ${train.weightAverageDecay})`] : []),
  ];
  // Records written before `keep` existed kept their best validation epoch.
  const kept = train.keep === 'last-epoch' ? `the last, ${record.training.bestEpoch}, kept` : `best ${record.training.bestEpoch}`;
  const { samples, data = 'training', copies } = onnxRecord.calibration;
  const calibration = data === 'training' ? '' : ` The int8 calibrates on ${samples} ${calibrationDataWords(data, copies)}.`;
  return `Training: ${record.training.history.length} epochs (${kept}), Adam, seed ${record.config.train.seed}, ${record.training.samplesPerSecond.toFixed(0)} samples/s${parts.map((p) => `, ${p}`).join('')}.${calibration}`;
}

/** The generalization gap in one paragraph, from the report's measurements (festival voices, leave-one-engine-out, real speech). */
function generalizationLine(report: ComparisonReport): string {
  const g = (report.extra as { generalization?: { unseen?: UnseenVariantResult[]; holdouts?: EngineHoldoutResult[]; realSpeech?: RealSpeechPrediction[] } } | undefined)?.generalization;
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const unseen = (g?.unseen ?? []).filter((u) => u.id === 'fp32' || u.id === 'int8');
  const parts = unseen.map((u) => `${u.id} ${pct(u.unseen.accuracy)} on festival voices it never heard (weakest voice ${u.perVoice[0]?.group ?? 'n/a'} ${pct(u.perVoice[0]?.accuracy ?? 0)}) against ${pct(u.testAccuracy)} on its own test split`);
  const loo = (g?.holdouts ?? []).map((h) => `trained without ${h.heldOut}, the same recipe scores ${pct(h.heldOutEngine.accuracy)} on ${h.heldOut} (${pct(h.inDistribution.accuracy)} in-distribution)`);
  const real = g?.realSpeech ?? [];
  const realText = real.length === 0 ? '' : ` On ${real.length} real human clips (data/real-speech) fp32 gets ${real.filter((r) => r.predictions['fp32']?.label === r.label).length} right.`;
  if (parts.length === 0) return 'Accuracy on real human speech and on unseen TTS engines is not measured by this report and will be lower.';
  return `Measured generalization: ${parts.join('; ')}.${loo.length === 0 ? '' : ` Leave-one-engine-out: ${loo.join('; ')}.`}${realText} Expect lower accuracy on real voices than on the test split.`;
}

function distillationLine(record: TrainRecord): string {
  const roles = record.roles ?? [];
  const [teacher, scratch, distilled] = (['teacher', 'scratch', 'distilled'] as const).map((r) => roles.find((x) => x.role === r));
  if (teacher === undefined || scratch === undefined || distilled === undefined) return 'Trained from scratch (no distillation teacher).';
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  return (
    `This is the ${record.student === 'distilled' ? 'distilled' : 'from-scratch'} student, chosen on validation accuracy. Teacher ${teacher.model}: test ${pct(teacher.testAccuracy)}; ` +
    `student from scratch: ${pct(scratch.testAccuracy)}; distilled student: ${pct(distilled.testAccuracy)} (tfjs fp32, same test split).`
  );
}
