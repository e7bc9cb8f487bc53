// End-to-end smoke of the keyword-spotter job on the tiny preset: every stage runs for real, in one process.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { env, pipeline } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { FbankExtractor, KWS_LABELS, normalizeFeatures, readSpeechCommands, readWav, resolveFrontEndConfig, type ProgressEvent, type Reporter } from '@whittle/datasets';
import { main } from '../main.ts';

interface Captured extends Reporter {
  readonly lines: string[];
  readonly stages: Set<string>;
}

function capture(): Captured {
  const lines: string[] = [];
  const stages = new Set<string>();
  return {
    lines,
    stages,
    progress: (e: ProgressEvent) => void stages.add(e.stage.replace(/\d+\/\d+/, 'N')),
    info: (m: string) => void lines.push(m),
    warn: (m: string) => void lines.push(`warning: ${m}`),
  };
}

async function run(argv: string[], reporter: Reporter): Promise<string> {
  const out: string[] = [];
  process.exitCode = undefined;
  await main(argv, { stdout: (t) => void out.push(t), reporter });
  const code = process.exitCode;
  process.exitCode = undefined;
  expect(code ?? 0, `whittle ${argv.join(' ')} exit code`).toBe(0);
  return out.join('\n');
}

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

describe('whittle keyword-spotter --preset tiny', () => {
  let work: string;
  let models: string;
  let reporter: Captured;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'whittle-e2e-'));
    models = join(work, 'models');
    reporter = capture();
    await run(['keyword-spotter', '--preset', 'tiny', '--work', work, '--models', models, '--backend', 'wasm'], reporter);
  }, 900_000);

  it('reports progress for every long stage and names the backend', () => {
    expect([...reporter.stages]).toEqual(expect.arrayContaining(['synth speech', 'features training', 'train epoch N', 'calibrate minmax', 'per-layer report']));
    expect(reporter.lines.some((l) => l.startsWith('tfjs backend: wasm'))).toBe(true);
  });

  it('writes every mode as an ONNX file that passes onnx.checker full_check', async () => {
    const record = JSON.parse(await readFile(join(work, 'run', 'onnx', 'onnx.json'), 'utf8'));
    const ids = record.variants.map((v: { id: string }) => v.id);
    expect(ids).toEqual(['fp32', 'int8', 'fp16', 'dynamic-int8', 'int8-qat', 'int8-per-tensor', 'int8-symmetric', 'int8-uint8', 'int8-percentile', 'int8-entropy', 'int8-augmented-calibration']);
    const paths = record.variants.map((v: { file: string }) => join(work, 'run', 'onnx', v.file));
    execFileSync('/usr/bin/python3', ['-c', 'import onnx,sys\nfor p in sys.argv[1:]: onnx.checker.check_model(onnx.load(p), full_check=True)', ...paths], { stdio: 'pipe' });
    expect(record.parity.maxAbsLogitDiff).toBeLessThanOrEqual(1e-4);
    expect(record.parity.topOneAgreement).toBe(1);
    const bytes = (id: string) => record.variants.find((v: { id: string }) => v.id === id).bytes;
    expect(bytes('int8') / bytes('fp32')).toBeLessThanOrEqual(0.35);
    expect(bytes('fp16') / bytes('fp32')).toBeLessThanOrEqual(0.55);
    // The accuracy bound: the published int8 is within it, or says it is not.
    expect(record.int8.withinBound).toBe(record.int8.maxDrop === null || record.int8.drop <= record.int8.maxDrop);
    expect(record.int8.steps.length).toBeGreaterThanOrEqual(1);
    const layers = JSON.parse(await readFile(join(work, 'run', 'onnx', record.layerReport), 'utf8'));
    expect(layers.layers.length).toBeGreaterThan(5);
    for (let i = 1; i < layers.layers.length; i++) expect(layers.layers[i].isolated.snrDb).toBeGreaterThanOrEqual(layers.layers[i - 1].isolated.snrDb);
  });

  it('compares every variant in report.json and report.md', async () => {
    const report = JSON.parse(await readFile(join(work, 'run', 'report', 'report.json'), 'utf8'));
    expect(report.variants.map((v: { id: string }) => v.id).sort()).toEqual(
      ['dynamic-int8', 'fp16', 'fp32', 'int8', 'int8-augmented-calibration', 'int8-entropy', 'int8-per-tensor', 'int8-percentile', 'int8-qat', 'int8-symmetric', 'int8-uint8', 'tfjs-fp32'],
    );
    for (const v of report.variants) {
      expect(v.metrics.accuracy).toBeGreaterThanOrEqual(0);
      expect(v.metrics.accuracy).toBeLessThanOrEqual(1);
      expect(v.metrics.confusion.length).toBe(KWS_LABELS.length);
      expect(v.sizeBytes).toBeGreaterThan(0);
    }
    const fp32 = report.variants.find((v: { id: string }) => v.id === 'fp32');
    expect(fp32.latency.p50).toBeGreaterThan(0);
    const md = await readFile(join(work, 'run', 'report', 'report.md'), 'utf8');
    for (const title of ['Generalization: in-distribution test vs an unseen engine', 'Unseen engine per voice', 'Leave-one-engine-out', 'Quantization modes', 'Accuracy-aware int8', 'Per-layer int8 error', 'Latency (onnxruntime-node', 'Where int8 time goes']) expect(md).toContain(title);
    expect(md).toContain((fp32.metrics.accuracy * 100).toFixed(2));
  });

  it('measures the unseen engine per variant and per voice, and the recipe without each engine', async () => {
    const report = JSON.parse(await readFile(join(work, 'run', 'report', 'report.json'), 'utf8'));
    const { unseen, holdouts } = report.extra.generalization;
    expect(unseen.map((u: { id: string }) => u.id)).toContain('int8');
    for (const u of unseen) {
      expect(u.unseen.clips).toBeGreaterThan(0);
      expect(u.perVoice.map((v: { group: string }) => v.group.split('-')[0])).toEqual(u.perVoice.map(() => 'festival'));
      for (let i = 1; i < u.perVoice.length; i++) expect(u.perVoice[i].accuracy).toBeGreaterThanOrEqual(u.perVoice[i - 1].accuracy);
    }
    expect(holdouts.map((h: { heldOut: string }) => h.heldOut)).toEqual(['espeak', 'flite']);
    for (const h of holdouts) {
      expect(h.heldOutVoices.every((v: { group: string }) => v.group.startsWith(`${h.heldOut}-`))).toBe(true);
      expect(h.heldOutEngine.clips).toBeGreaterThan(0);
      expect(h.variants.map((v: { id: string }) => v.id)).toEqual(['fp32', 'fp16', 'int8']);
      // The fp32 export has the tfjs model's top-1 on every clip.
      expect(h.variants[0].heldOutEngine.accuracy).toBe(h.heldOutEngine.accuracy);
    }
  });

  it('publishes a versioned model whose manifest hashes every file', async () => {
    const [name] = await readdir(models);
    expect(name).toBe('keyword-spotter-tiny');
    const dir = join(models, name as string, '0.1.0');
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    for (const file of ['onnx/model.onnx', 'onnx/model_fp16.onnx', 'onnx/model_int8.onnx', 'onnx/model_quantized.onnx', 'config.json', 'preprocessor_config.json', 'README.md', 'layer-report.json']) {
      expect(manifest.files[file].sha256, file).toBe(await sha256(join(dir, file)));
    }
    expect(manifest.training.backend.name).toBe('wasm');
    expect(manifest.gitCommit).toMatch(/^([0-9a-f]{40}(-dirty)?|unknown)$/);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(Object.values(config.id2label)).toEqual([...KWS_LABELS]);
  });

  it('reruns from caches and leaves the published version untouched', async () => {
    const dir = join(models, 'keyword-spotter-tiny', '0.1.0');
    const before = (await stat(join(dir, 'manifest.json'))).mtimeMs;
    const again = capture();
    await run(['publish', '--run', join(work, 'run'), '--models', models], again);
    expect(again.lines.some((l) => l.includes('model unchanged'))).toBe(true);
    expect((await stat(join(dir, 'manifest.json'))).mtimeMs).toBe(before);
  });

  it('evaluates the published model on a Speech Commands folder as JSON', async () => {
    const out = await run(['eval', '--model', join(models, 'keyword-spotter-tiny', '0.1.0'), '--data', join(work, 'data'), '--json', '--latency-runs', '5', '--cache', join(work, 'features')], capture());
    const result = JSON.parse(out);
    expect(result.clips).toBeGreaterThan(0);
    expect(Object.keys(result.variants).sort()).toEqual(['dynamic-int8', 'fp16', 'fp32', 'int8']);
    const report = JSON.parse(await readFile(join(work, 'run', 'report', 'report.json'), 'utf8'));
    // Same clips as the report's test split (the model's training seed picks the same unknown/silence clips)...
    const train = JSON.parse(await readFile(join(work, 'run', 'train', 'train.json'), 'utf8'));
    expect(result.testSet.featureKey).toBe(train.dataset.featureKeys.testing);
    // ...and the same published files: the numbers must be the report's.
    expect(result.variants.fp32.accuracy).toBeCloseTo(report.variants.find((v: { id: string }) => v.id === 'fp32').metrics.accuracy, 10);
  });

  it.each(['fp32', 'fp16', 'int8', 'q8'] as const)('loads in transformers.js audio-classification (%s) with the scores onnxruntime gives on our features', async (dtype) => {
    const dir = join(models, 'keyword-spotter-tiny', '0.1.0');
    const pre = JSON.parse(await readFile(join(dir, 'preprocessor_config.json'), 'utf8'));
    const clip = (await readSpeechCommands(join(work, 'data'), { seed: 42 })).entries.find((e) => e.split === 'testing' && e.offset === undefined)!;
    const audio = (await readWav(clip.path)).samples;

    env.allowRemoteModels = false;
    env.localModelPath = `${models}/`;
    const classify = await pipeline('audio-classification', 'keyword-spotter-tiny/0.1.0', { dtype });
    const scores = (await classify(audio, { top_k: KWS_LABELS.length })) as { label: string; score: number }[];

    const frontEnd = resolveFrontEndConfig({ numMelBins: pre.num_mel_bins, frames: pre.max_length });
    const features = normalizeFeatures(Float32Array.from(await new FbankExtractor(frontEnd).extract(audio)), { mean: pre.mean, std: pre.std });
    const session = await ort.InferenceSession.create(join(dir, 'onnx', ({ fp32: 'model.onnx', fp16: 'model_fp16.onnx', int8: 'model_int8.onnx', q8: 'model_quantized.onnx' } as const)[dtype]));
    const logits = (await session.run({ input_values: new ort.Tensor('float32', features, [1, frontEnd.frames, frontEnd.numMelBins]) }))['logits']!.data as Float32Array;
    await session.release();
    const max = Math.max(...logits);
    const exp = Array.from(logits, (l) => Math.exp(l - max));
    const total = exp.reduce((a, b) => a + b, 0);
    expect(scores.length).toBe(KWS_LABELS.length);
    for (const { label, score } of scores) expect(score, label).toBeCloseTo((exp[KWS_LABELS.indexOf(label)] as number) / total, 5);
  });
});
