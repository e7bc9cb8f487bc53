// Teacher logits are computed once per (teacher, set, labels) and read back byte for byte without running the teacher.
import * as tf from '@tensorflow/tfjs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { SeededRandom, type FeatureSet } from '@whittle/datasets';
import { cachedTeacherLogits, teacherCacheKey } from './teacher-cache.ts';
import type { TeacherSource } from './teacher-source.ts';

const TEACHER_DIR = resolve(import.meta.dirname, '../../../../models/keyword-spotter/0.1.0');
const LABELS = ['a', 'b', 'c'];

function randomSet(count: number, seed: number, frames = 6, bins = 4): FeatureSet {
  const rng = new SeededRandom(seed);
  const features = Float32Array.from({ length: count * frames * bins }, () => rng.normal());
  return { features, frames, bins, count, labels: Int32Array.from({ length: count }, (_, i) => i % 3), ids: Array.from({ length: count }, (_, i) => `r${i}`) };
}

function tinyModel(seed: number): tf.LayersModel {
  return tf.sequential({ layers: [tf.layers.flatten({ inputShape: [6, 4] }), tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.randomNormal({ seed }) })] });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('cachedTeacherLogits', () => {
  it('runs the teacher once, then returns the identical array from the cache', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'whittle-teacher-cache-'));
    const model = tinyModel(1);
    const predict = vi.spyOn(model, 'predict');
    const set = randomSet(10, 2);
    const teacher: TeacherSource = { kind: 'layers', model, name: 'tiny' };
    const infos: string[] = [];
    const reporter = { progress: () => undefined, info: (m: string) => void infos.push(m), warn: () => undefined };

    const first = await cachedTeacherLogits(teacher, set, { cacheDir, labels: LABELS, batchSize: 4, reporter });
    expect(first.hit).toBe(false);
    expect(predict).toHaveBeenCalledTimes(3);
    expect(first.file).toBe(join(cacheDir, `teacher-${first.key}.f32`));
    expect((await stat(first.file)).size).toBe(10 * 3 * 4);
    // Nothing but the entry itself is left in the directory (the atomic write's temp file is renamed away).
    expect(await readdir(cacheDir)).toEqual([`teacher-${first.key}.f32`]);

    // A renamed copy of the same model is the same teacher.
    const second = await cachedTeacherLogits({ ...teacher, name: 'renamed' }, set, { cacheDir, labels: LABELS, reporter });
    expect(second.hit).toBe(true);
    expect(predict).toHaveBeenCalledTimes(3);
    expect(second.key).toBe(first.key);
    expect(second.logits).toEqual(first.logits);
    expect(second.logits).not.toBe(first.logits);
    expect(infos.at(-1)).toBe(`teacher logits of layers teacher 'renamed': cached in ${first.file}`);
    model.dispose();
  });

  it('recomputes (with a warning) when the stored file has the wrong size', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'whittle-teacher-cache-'));
    const model = tinyModel(1);
    const set = randomSet(5, 2);
    const teacher: TeacherSource = { kind: 'layers', model, name: 'tiny' };
    const first = await cachedTeacherLogits(teacher, set, { cacheDir, labels: LABELS });
    await writeFile(first.file, new Uint8Array(7));
    const warnings: string[] = [];
    const again = await cachedTeacherLogits(teacher, set, { cacheDir, labels: LABELS, reporter: { progress: () => undefined, info: () => undefined, warn: (m) => void warnings.push(m) } });
    expect(again.hit).toBe(false);
    expect(again.logits).toEqual(first.logits);
    expect(warnings).toEqual([`${first.file}: 7 bytes where 60 were expected; computing the teacher logits again`]);
    expect((await stat(first.file)).size).toBe(60);
    model.dispose();
  });
});

describe('teacherCacheKey', () => {
  it('changes with the weights, the features, the row labels and our label order, not with the display name', async () => {
    const model = tinyModel(1);
    const set = randomSet(5, 2);
    const key = (source: TeacherSource, s: FeatureSet, labels = LABELS) => teacherCacheKey(source, s, { labels });
    const base = await key({ kind: 'layers', model, name: 'x' }, set);
    const before = tf.memory().numTensors;
    expect(await key({ kind: 'layers', model, name: 'y' }, set)).toBe(base);
    expect(tf.memory().numTensors).toBe(before);

    const other = tinyModel(2);
    const changedFeatures = { ...set, features: Float32Array.from(set.features, (v, i) => (i === 17 ? v + 1e-3 : v)) };
    const changedLabels = { ...set, labels: Int32Array.from(set.labels, (v, i) => (i === 0 ? 2 : v)) };
    const keys = [
      await key({ kind: 'layers', model: other, name: 'x' }, set),
      await key({ kind: 'layers', model, name: 'x' }, changedFeatures),
      await key({ kind: 'layers', model, name: 'x' }, changedLabels),
      await key({ kind: 'layers', model, name: 'x' }, set, ['c', 'b', 'a']),
    ];
    expect(new Set([base, ...keys]).size).toBe(5);
    model.dispose();
    other.dispose();
  });

  it('identifies an onnx teacher by its file bytes and the config.json that orders its classes', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'whittle-teacher-key-')), 'kws');
    await mkdir(join(dir, 'onnx'), { recursive: true });
    for (const f of ['config.json', 'preprocessor_config.json', 'onnx/model.onnx', 'onnx/model_int8.onnx']) await copyFile(join(TEACHER_DIR, f), join(dir, f));
    const set = randomSet(2, 3, 98, 20);
    const onnx: TeacherSource = { kind: 'onnx', path: join(dir, 'onnx', 'model.onnx') };
    const base = await teacherCacheKey(onnx, set);
    // A copy elsewhere is the same teacher; another graph is not.
    expect(await teacherCacheKey({ kind: 'onnx', path: join(TEACHER_DIR, 'onnx', 'model.onnx') }, set)).toBe(base);
    expect(await teacherCacheKey({ kind: 'onnx', path: join(dir, 'onnx', 'model_int8.onnx') }, set)).not.toBe(base);
    // The set's normalisation changes what an onnx teacher is fed.
    expect(await teacherCacheKey(onnx, set, { setNormalization: { mean: 0, std: 1 } })).not.toBe(base);

    const transformers: TeacherSource = { kind: 'transformers', dir };
    const tBase = await teacherCacheKey(transformers, set);
    expect(await teacherCacheKey({ ...transformers, dtype: 'int8' }, set)).not.toBe(tBase);
    // README and reports do not decide the logits.
    await writeFile(join(dir, 'README.md'), 'notes');
    expect(await teacherCacheKey(transformers, set)).toBe(tBase);

    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    [config.id2label['0'], config.id2label['1']] = [config.id2label['1'], config.id2label['0']];
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    expect(await teacherCacheKey(onnx, set)).not.toBe(base);
    expect(await teacherCacheKey(transformers, set)).not.toBe(tBase);
  });
});
