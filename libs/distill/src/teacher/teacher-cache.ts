// Teacher logits computed once: stored under a content key, so every later epoch, run or student reads them back.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadFileError, KWS_LABELS, SILENT_REPORTER, writeFileAtomic, type FeatureSet } from '@whittle/datasets';
import { teacherIdentity } from './teacher-identity.ts';
import { teacherLogits } from './teacher-logits.ts';
import type { TeacherLogitsOptions } from './teacher-options.ts';
import { describeTeacher, type TeacherSource } from './teacher-source.ts';

/** Bump when the cached file's layout or the meaning of a key changes. */
const CACHE_VERSION = 1;

export interface CachedTeacherLogitsOptions extends TeacherLogitsOptions {
  /** Where the logits files live (one `teacher-<key>.f32` per teacher, set and label order). */
  readonly cacheDir: string;
}

export interface CachedTeacherLogits {
  /** [set.count, labels.length] in our class order, as teacherLogits returns them. */
  readonly logits: Float32Array;
  /** True when read from the cache and the teacher did not run. */
  readonly hit: boolean;
  /** sha256 hex of teacher identity, feature set content and label order. */
  readonly key: string;
  readonly file: string;
}

/**
 * The cache key: sha256 of the teacher's identity (see teacherIdentity), the feature set's content (count, frames,
 * bins, every feature and label value), our label order, and for 'onnx' teachers the set's normalisation (it
 * changes what the teacher is fed). A 'transformers' teacher reads waveforms, which are taken to be the clips the
 * features were computed from: the features stand in for them.
 */
export async function teacherCacheKey(source: TeacherSource, set: FeatureSet, options: Pick<TeacherLogitsOptions, 'labels' | 'setNormalization'> = {}): Promise<string> {
  const hash = createHash('sha256');
  const labels = options.labels ?? KWS_LABELS;
  const normalization = readsNormalization(source) && options.setNormalization !== undefined ? { mean: options.setNormalization.mean, std: options.setNormalization.std } : null;
  hash.update(JSON.stringify({ version: CACHE_VERSION, teacher: await teacherIdentity(source), labels, normalization, count: set.count, frames: set.frames, bins: set.bins }));
  const features = set.features.subarray(0, set.count * set.frames * set.bins);
  hash.update(new Uint8Array(features.buffer, features.byteOffset, features.byteLength));
  const rowLabels = set.labels.subarray(0, set.count);
  hash.update(new Uint8Array(rowLabels.buffer, rowLabels.byteOffset, rowLabels.byteLength));
  return hash.digest('hex');
}

/** Whether the set's normalisation changes what the teacher is fed: an 'onnx' teacher, or an ensemble with one. */
function readsNormalization(source: TeacherSource): boolean {
  return source.kind === 'onnx' || (source.kind === 'ensemble' && source.members.some(readsNormalization));
}

/**
 * teacherLogits, run once per (teacher, set, labels): a later call with the same key reads the stored array and
 * never runs the teacher. The file is written atomically, so an interrupted run leaves no partial cache entry.
 * @example const { logits } = await cachedTeacherLogits(teacher, train, { cacheDir: '.cache/teacher', reporter })
 */
export async function cachedTeacherLogits(source: TeacherSource, set: FeatureSet, options: CachedTeacherLogitsOptions): Promise<CachedTeacherLogits> {
  const { cacheDir, ...rest } = options;
  const reporter = options.reporter ?? SILENT_REPORTER;
  const expectedBytes = set.count * (options.labels ?? KWS_LABELS).length * Float32Array.BYTES_PER_ELEMENT;
  const key = await teacherCacheKey(source, set, options);
  const file = join(cacheDir, `teacher-${key}.f32`);
  const stored = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new BadFileError(file, `cannot read the cached teacher logits: ${err.message}`, `delete it to compute them again`);
  });
  if (stored !== undefined && stored.byteLength === expectedBytes) {
    reporter.info(`teacher logits of ${describeTeacher(source)}: cached in ${file}`);
    // A copy into a fresh, aligned buffer: Buffer memory may be pooled and unaligned for a Float32Array view.
    const logits = new Float32Array(set.count * (options.labels ?? KWS_LABELS).length);
    new Uint8Array(logits.buffer).set(stored);
    return { logits, hit: true, key, file };
  }
  if (stored !== undefined) reporter.warn(`${file}: ${stored.byteLength} bytes where ${expectedBytes} were expected; computing the teacher logits again`);
  const logits = await teacherLogits(source, set, rest);
  await writeFileAtomic(file, new Uint8Array(logits.buffer, logits.byteOffset, logits.byteLength));
  reporter.info(`teacher logits of ${describeTeacher(source)}: computed for ${set.count} rows, stored in ${file}`);
  return { logits, hit: false, key, file };
}
