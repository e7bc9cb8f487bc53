// Teacher logits from a local @huggingface/transformers audio-classification directory, fed raw waveforms offline.

import { access } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AutoModelForAudioClassification, AutoProcessor, env, type PreTrainedModel, type Processor } from '@huggingface/transformers';
import { BadFileError, ConfigError, resample, type FeatureSet } from '@whittle/datasets';
import { forEachBatch } from './for-each-batch.ts';
import { isIdentity, readId2Label, selectColumns, teacherColumns } from './teacher-labels.ts';
import type { ResolvedTeacherOptions } from './teacher-options.ts';
import { describeTeacher, type TeacherSource } from './teacher-source.ts';

/** Sample rate of the waveforms `options.audio` returns (the rate every Whittle clip is loaded at). */
const AUDIO_RATE = 16000;

/**
 * [set.count, labels.length] logits in our class order. Each row's waveform comes from `options.audio(row)` and goes
 * through the model's own preprocessor, so the teacher sees the features it was trained on, whatever ours are.
 * Classes are mapped from the directory's config.json id2label onto ours by name.
 */
export async function transformersTeacherLogits(source: TeacherSource & { kind: 'transformers' }, set: FeatureSet, options: ResolvedTeacherOptions): Promise<Float32Array> {
  const name = describeTeacher(source);
  const { audio } = options;
  if (audio === undefined) {
    throw new ConfigError(
      `${name}: option 'audio' is required; a transformers teacher computes its own features from each row's raw 16 kHz waveform`,
      "pass audio: (row) => loadClip(...) returning the clip row `row` of the feature set was computed from",
    );
  }
  const configPath = join(source.dir, 'config.json');
  await access(configPath).catch(() => {
    throw new BadFileError(configPath, 'missing', 'expected a transformers.js model directory: config.json, preprocessor_config.json, onnx/model.onnx');
  });
  const teacherLabels = await readId2Label(configPath);
  if (teacherLabels === undefined) throw new BadFileError(configPath, "has no 'id2label'; an audio-classification teacher must name its classes");
  const where = `${configPath} id2label`;
  const { columns, dropped } = teacherColumns(teacherLabels, options.labels, where);
  if (dropped.length > 0) options.reporter.warn(`${where}: classes ${dropped.join(', ')} are not ours and are dropped`);

  const { processor, model } = await loadOffline(source.dir, source.dtype ?? 'fp32', options.threads);
  try {
    const rate = (processor.feature_extractor?.config as { sampling_rate?: number } | undefined)?.sampling_rate ?? AUDIO_RATE;
    const numClasses = options.labels.length;
    const teacherClasses = teacherLabels.length;
    const out = new Float32Array(set.count * numClasses);
    await forEachBatch(set.count, `teacher logits (${name})`, options, async (start, n) => {
      // One clip per call, as the audio-classification pipeline does: waveform models take clips of any length.
      for (let row = start; row < start + n; row++) {
        const wave = await audio(row);
        const inputs = await processor(rate === AUDIO_RATE ? wave : resample(wave, AUDIO_RATE, rate));
        const { logits } = (await model(inputs)) as { logits?: { type: string; dims: number[]; data: Float32Array } };
        if (logits === undefined || logits.type !== 'float32' || logits.dims.length !== 2 || logits.dims[0] !== 1 || logits.dims[1] !== teacherClasses) {
          throw new BadFileError(
            source.dir,
            `the model's 'logits' must be float32 [1, ${teacherClasses}] (one per id2label class) for one clip; got ${logits === undefined ? 'nothing' : `${logits.type} [${logits.dims.join(', ')}]`}`,
          );
        }
        out.set(isIdentity(columns, teacherClasses) ? logits.data : selectColumns(logits.data, 1, teacherClasses, columns), row * numClasses);
      }
    });
    return out;
  } finally {
    await model.dispose();
  }
}

/** Same test transformers.js applies before it treats a name as a model id under env.localModelPath. */
const PLAIN_MODEL_ID = /^\b[\w\-.]{1,96}\b$/;

/**
 * Load processor and model with the network off. transformers.js' env is process-wide, so the previous settings
 * are restored once loading is done (inference never reads them).
 */
async function loadOffline(dir: string, dtype: NonNullable<(TeacherSource & { kind: 'transformers' })['dtype']>, threads: number | undefined): Promise<{ processor: Processor; model: PreTrainedModel }> {
  const absolute = resolve(dir);
  const id = basename(absolute);
  // A name that is no valid model id is read by transformers.js as a plain path, so the absolute one is passed instead.
  const useLocalPath = PLAIN_MODEL_ID.test(id) && !id.includes('..') && !id.includes('--');
  const saved = { allowRemoteModels: env.allowRemoteModels, allowLocalModels: env.allowLocalModels, localModelPath: env.localModelPath, useFSCache: env.useFSCache };
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${dirname(absolute)}/`;
  // The file cache is keyed by model id alone; off, so another directory of the same name can never be served from it.
  env.useFSCache = false;
  try {
    const modelId = useLocalPath ? id : absolute;
    const processor = await AutoProcessor.from_pretrained(modelId, { local_files_only: true });
    const model = await AutoModelForAudioClassification.from_pretrained(modelId, {
      dtype,
      local_files_only: true,
      ...(threads === undefined ? {} : { session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 } }),
    });
    return { processor, model };
  } catch (err) {
    throw new BadFileError(dir, `transformers.js could not load it offline as an audio classifier (dtype ${dtype}): ${(err as Error).message}`);
  } finally {
    Object.assign(env, saved);
  }
}
