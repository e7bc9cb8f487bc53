// Teacher logits from every source kind agree on the published keyword spotter, in our class order, and fail by name.
import * as tf from '@tensorflow/tfjs';
import { copyFile, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BadFileError,
  ConfigError,
  WhittleError,
  FbankExtractor,
  KWS_LABELS,
  normalizeFeatures,
  resolveFrontEndConfig,
  SeededRandom,
  type FeatureNormalization,
  type FeatureSet,
  type ProgressEvent,
  type Reporter,
} from '@whittle/datasets';
import { teacherLogits } from './teacher-logits.ts';
import { describeTeacher, type TeacherSource } from './teacher-source.ts';

// The published 12-class DS-CNN: normalised 98x20 fbank input, transformers.js layout.
const TEACHER_DIR = resolve(import.meta.dirname, '../../../../models/keyword-spotter/0.1.0');
const frontEnd = resolveFrontEndConfig({ numMelBins: 20, frames: 98 });

interface Captured extends Reporter {
  readonly events: ProgressEvent[];
  readonly warnings: string[];
}
function capture(): Captured {
  const events: ProgressEvent[] = [];
  const warnings: string[] = [];
  return { events, warnings, progress: (e) => void events.push(e), info: () => undefined, warn: (m) => void warnings.push(m) };
}

/** Seeded one-second clips: a tone, a chirp, noise bursts, near silence (different enough to give distinct logits). */
function syntheticClips(count: number, seed: number): Float32Array[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: count }, (_, k) => {
    const clip = new Float32Array(frontEnd.clipSamples);
    const f0 = rng.uniform(200, 900);
    for (let i = 0; i < clip.length; i++) {
      const t = i / frontEnd.sampleRate;
      const voice = k % 4 === 0 ? Math.sin(2 * Math.PI * f0 * t) : k % 4 === 1 ? Math.sin(2 * Math.PI * (f0 + 1500 * t) * t) : k % 4 === 2 ? (Math.floor(t * 8) % 2) * rng.normal() : 0;
      clip[i] = 0.3 * voice * Math.min(1, 4 * t) + 0.01 * rng.normal();
    }
    return clip;
  });
}

async function featureSet(clips: readonly Float32Array[], norm: FeatureNormalization): Promise<FeatureSet> {
  const extractor = new FbankExtractor(frontEnd);
  const stride = frontEnd.frames * frontEnd.numMelBins;
  const features = new Float32Array(clips.length * stride);
  for (const [i, clip] of clips.entries()) features.set(await extractor.extract(clip), i * stride);
  normalizeFeatures(features, norm);
  return { features, frames: frontEnd.frames, bins: frontEnd.numMelBins, count: clips.length, labels: new Int32Array(clips.length), ids: clips.map((_, i) => `clip${i}`) };
}

/** A copy of the teacher directory with its config.json edited (config.json, preprocessor_config.json, one onnx file). */
async function teacherCopy(edit: (config: { id2label: Record<string, string> }) => void, name = 'teacher'): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'whittle-teacher-')), name);
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const config = JSON.parse(await readFile(join(TEACHER_DIR, 'config.json'), 'utf8'));
  edit(config);
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  await copyFile(join(TEACHER_DIR, 'preprocessor_config.json'), join(dir, 'preprocessor_config.json'));
  await copyFile(join(TEACHER_DIR, 'onnx', 'model.onnx'), join(dir, 'onnx', 'model.onnx'));
  return dir;
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

let clips: Float32Array[];
let norm: FeatureNormalization;
let set: FeatureSet;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const pre = JSON.parse(await readFile(join(TEACHER_DIR, 'preprocessor_config.json'), 'utf8'));
  norm = { mean: pre.mean, std: pre.std };
  clips = syntheticClips(6, 7);
  set = await featureSet(clips, norm);
});

describe.each([
  { dtype: 'fp32', file: 'model.onnx', tolerance: 1e-4 },
  { dtype: 'int8', file: 'model_int8.onnx', tolerance: 1e-4 },
] as const)('keyword-spotter teacher ($dtype)', ({ dtype, file, tolerance }) => {
  it('gives the same logits as an onnx file on our features and as a transformers.js directory on the waveforms', async () => {
    const reporter = capture();
    const onnx = await teacherLogits({ kind: 'onnx', path: join(TEACHER_DIR, 'onnx', file) }, set, { batchSize: 4, threads: 1, reporter });
    const transformers = await teacherLogits({ kind: 'transformers', dir: TEACHER_DIR, dtype }, set, { audio: async (row) => clips[row] as Float32Array, threads: 1 });
    expect(onnx.length).toBe(set.count * KWS_LABELS.length);
    expect(maxAbsDiff(onnx, transformers)).toBeLessThanOrEqual(tolerance);
    // Not a constant output: the clips get different logits.
    expect(maxAbsDiff(onnx.subarray(0, 12), onnx.subarray(12, 24))).toBeGreaterThan(0.1);
    expect(reporter.events.map((e) => `${e.done}/${e.total}`)).toEqual(['0/6', '4/6', '6/6']);
    expect(reporter.events[0]?.stage).toBe(`teacher logits (onnx teacher ${join(TEACHER_DIR, 'onnx', file)})`);
  });
});

describe('onnx teacher', () => {
  const modelPath = join(TEACHER_DIR, 'onnx', 'model.onnx');

  it('equals a direct onnxruntime run when the class order is ours', async () => {
    const session = await ort.InferenceSession.create(modelPath);
    const direct = (await session.run({ input_values: new ort.Tensor('float32', set.features, [set.count, set.frames, set.bins]) }))['logits']!.data as Float32Array;
    await session.release();
    expect(maxAbsDiff(await teacherLogits({ kind: 'onnx', path: modelPath }, set, { threads: 1 }), direct)).toBeLessThanOrEqual(1e-5);
  });

  it('maps a teacher trained in another class order onto ours by the names in its config.json', async () => {
    const reference = await teacherLogits({ kind: 'onnx', path: modelPath }, set, { threads: 1 });
    // Same weights, but the config claims the reversed order: column c of ours is now the teacher's column 11 - c.
    const dir = await teacherCopy((config) => {
      config.id2label = Object.fromEntries(KWS_LABELS.map((_, i) => [String(i), KWS_LABELS[KWS_LABELS.length - 1 - i] as string]));
    });
    const remapped = await teacherLogits({ kind: 'onnx', path: join(dir, 'onnx', 'model.onnx') }, set, { threads: 1 });
    for (let r = 0; r < set.count; r++) {
      for (let c = 0; c < 12; c++) expect(remapped[r * 12 + c]).toBe(reference[r * 12 + (11 - c)]);
    }
    // Our labels may be a subset in any order; the teacher's other classes are dropped with a warning.
    const reporter = capture();
    const ours = ['no', 'yes', '_silence_'];
    const subset = await teacherLogits({ kind: 'onnx', path: modelPath }, set, { labels: ours, threads: 1, reporter });
    expect(subset.length).toBe(set.count * 3);
    for (let r = 0; r < set.count; r++) expect([...subset.subarray(r * 3, r * 3 + 3)]).toEqual([1, 0, 11].map((c) => reference[r * 12 + c]));
    expect(reporter.warnings).toEqual([`${join(TEACHER_DIR, 'config.json')} id2label: classes up, down, left, right, on, off, stop, go, _unknown_ are not ours and are dropped`]);
  });

  it('names the labels the teacher is missing', async () => {
    const dir = await teacherCopy((config) => {
      config.id2label['0'] = 'yeah';
      config.id2label['9'] = 'went';
    });
    const err = await teacherLogits({ kind: 'onnx', path: join(dir, 'onnx', 'model.onnx') }, set).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`${join(dir, 'config.json')} id2label: the teacher has no class 'yes', 'go' of our labels`);
  });

  it('names the file, the input and both shapes when the features do not fit the graph', async () => {
    const wide: FeatureSet = { ...set, bins: 40, count: 3 };
    const err = await teacherLogits({ kind: 'onnx', path: modelPath }, wide).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadFileError);
    expect((err as Error).message).toBe(`${modelPath}: input 'input_values' must be float32 [N, 98, 40] (the feature set's frames x mel bins); got float32 [batch, 98, 20]`);
  });

  it('without a config.json requires our class count, and says why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'whittle-bare-onnx-'));
    const bare = join(dir, 'kws.onnx');
    await copyFile(modelPath, bare);
    const reference = await teacherLogits({ kind: 'onnx', path: modelPath }, set, { threads: 1 });
    expect(await teacherLogits({ kind: 'onnx', path: bare }, set, { threads: 1 })).toEqual(reference);
    const err = await teacherLogits({ kind: 'onnx', path: bare }, set, { labels: KWS_LABELS.slice(0, 10) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadFileError);
    expect((err as Error).message).toMatch(/kws\.onnx: output 'logits' has 12 classes but our labels are 10 \[yes, .*\]; with no config\.json id2label beside the file or one directory up/);
    // Labels on the source name the order instead.
    const named = await teacherLogits({ kind: 'onnx', path: bare, labels: [...KWS_LABELS].reverse() }, set, { threads: 1 });
    expect(named[0]).toBe(reference[11]);
  });

  it('re-normalises rows into the teacher statistics when told what the set was normalised with', async () => {
    const other = { mean: -3, std: 2.5 };
    const otherSet = await featureSet(clips, other);
    const reference = await teacherLogits({ kind: 'onnx', path: modelPath }, set, { threads: 1 });
    const fed = await teacherLogits({ kind: 'onnx', path: modelPath }, otherSet, { setNormalization: other, threads: 1 });
    expect(maxAbsDiff(fed, reference)).toBeLessThanOrEqual(1e-4);
    // Without the statistics the rows go in as they are, and the logits are wrong for this teacher.
    expect(maxAbsDiff(await teacherLogits({ kind: 'onnx', path: modelPath }, otherSet, { threads: 1 }), reference)).toBeGreaterThan(0.1);
  });
});

describe('transformers teacher', () => {
  it('needs the waveforms and says so', async () => {
    const source: TeacherSource = { kind: 'transformers', dir: TEACHER_DIR };
    await expect(teacherLogits(source, set)).rejects.toThrow(`${describeTeacher(source)}: option 'audio' is required`);
  });

  it('maps id2label by name and loads directories whose name is no model id', async () => {
    const reference = await teacherLogits({ kind: 'onnx', path: join(TEACHER_DIR, 'onnx', 'model.onnx') }, set, { threads: 1 });
    const dir = await teacherCopy((config) => {
      config.id2label = Object.fromEntries(KWS_LABELS.map((_, i) => [String(i), KWS_LABELS[KWS_LABELS.length - 1 - i] as string]));
    }, 'kws--teacher');
    const alias = join(dir, '..', 'link--to--teacher');
    await symlink(dir, alias);
    const before = { remote: env.allowRemoteModels, path: env.localModelPath };
    const logits = await teacherLogits({ kind: 'transformers', dir: alias }, set, { audio: async (row) => clips[row] as Float32Array, threads: 1 });
    for (let r = 0; r < set.count; r++) {
      for (let c = 0; c < 12; c++) expect(logits[r * 12 + c]).toBeCloseTo(reference[r * 12 + (11 - c)] as number, 4);
    }
    // transformers.js settings are process-wide: the ones the caller had are back.
    expect({ remote: env.allowRemoteModels, path: env.localModelPath }).toEqual(before);
  });
});

describe('layers teacher', () => {
  const tiny = () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [98, 20] }), tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.randomNormal({ seed: 3 }) })] });
    return model;
  };

  it('is predictLogits in our class order, leaking no tensors', async () => {
    const model = tiny();
    const before = tf.memory().numTensors;
    const ours = ['a', 'b', 'c'];
    const logits = await teacherLogits({ kind: 'layers', model, name: 'tiny' }, set, { labels: ours, batchSize: 4 });
    const swapped = await teacherLogits({ kind: 'layers', model, name: 'tiny', labels: ['c', 'a', 'b'] }, set, { labels: ours });
    expect(tf.memory().numTensors).toBe(before);
    const expected = tf.tidy(() => (model.predict(tf.tensor3d(set.features, [set.count, 98, 20])) as tf.Tensor).dataSync() as Float32Array);
    expect(maxAbsDiff(logits, expected)).toBeLessThanOrEqual(1e-5);
    // The teacher's column 0 is 'c', so our column 2 ('c') comes from it.
    expect(swapped[2]).toBe(logits[0]);
    expect(swapped[0]).toBe(logits[1]);
    model.dispose();
  });

  it('names the teacher and the shapes when its input does not fit the set', async () => {
    const model = tiny();
    const other: FeatureSet = { ...set, frames: 49, bins: 40 };
    await expect(teacherLogits({ kind: 'layers', model, name: 'ds-cnn-l' }, other, { labels: ['a', 'b', 'c'] })).rejects.toThrow(
      "layers teacher 'ds-cnn-l': input must be [N, 49, 40] (frames x bins of the feature set); got [N, 98, 20]",
    );
    await expect(teacherLogits({ kind: 'layers', model, name: 'ds-cnn-l' }, set)).rejects.toThrow("layers teacher 'ds-cnn-l': outputs 3 classes but our labels name 12");
    model.dispose();
  });

  it('stops at a batch boundary once aborted, and refuses non-finite logits by row', async () => {
    const model = tiny();
    const controller = new AbortController();
    const reporter: Reporter = { progress: (e) => void (e.done >= 2 && controller.abort()), info: () => undefined, warn: () => undefined };
    const err = await teacherLogits({ kind: 'layers', model, name: 'tiny' }, set, { labels: ['a', 'b', 'c'], batchSize: 2, reporter, signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WhittleError);
    expect((err as WhittleError).code).toBe('INTERRUPTED');
    expect((err as Error).message).toBe("teacher logits (layers teacher 'tiny'): stopped after 2 of 6 rows");

    const poisoned: FeatureSet = { ...set, features: Float32Array.from(set.features, (v, i) => (i === 3 * 98 * 20 + 5 ? Number.NaN : v)) };
    await expect(teacherLogits({ kind: 'layers', model, name: 'tiny' }, poisoned, { labels: ['a', 'b', 'c'] })).rejects.toThrow("layers teacher 'tiny': logit NaN for row 3 ('clip3')");
    model.dispose();
  });
});
