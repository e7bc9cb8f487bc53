// Teacher logits from any local ONNX classifier on onnxruntime-node, fed the feature set's rows.

import { access, readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { BadFileError, UnsupportedError, type FeatureNormalization, type FeatureSet } from '@whittle/datasets';
import { forEachBatch } from './for-each-batch.ts';
import { findOnnxTeacherFiles } from './onnx-teacher-files.ts';
import { isIdentity, readId2Label, selectColumns, teacherColumns } from './teacher-labels.ts';
import type { ResolvedTeacherOptions } from './teacher-options.ts';
import { describeTeacher, type TeacherSource } from './teacher-source.ts';

/**
 * [set.count, labels.length] logits in our class order. The graph must take float32 [N, frames, bins].
 * Class order comes from the source's `labels`, else the id2label of a config.json beside the file or one directory
 * up, mapped onto ours by name; with neither, the graph must output exactly our classes in our order.
 */
export async function onnxTeacherLogits(source: TeacherSource & { kind: 'onnx' }, set: FeatureSet, options: ResolvedTeacherOptions): Promise<Float32Array> {
  const { path } = source;
  await access(path).catch(() => {
    throw new BadFileError(path, 'missing', 'expected an .onnx classifier file');
  });
  const files = await findOnnxTeacherFiles(path);
  const fromConfig = source.labels === undefined && files.config !== undefined ? await readId2Label(files.config) : undefined;
  const teacherLabels = source.labels ?? fromConfig;
  const where = source.labels !== undefined ? `${describeTeacher(source)} (labels on the source)` : fromConfig !== undefined ? `${files.config as string} id2label` : path;
  // Without names, the order is assumed to be ours: identity columns, and the class count is checked on the first batch.
  const mapping = teacherLabels === undefined ? undefined : teacherColumns(teacherLabels, options.labels, where);
  if (mapping !== undefined && mapping.dropped.length > 0) options.reporter.warn(`${where}: classes ${mapping.dropped.join(', ')} are not ours and are dropped`);
  const renormalize = options.setNormalization === undefined || files.preprocessor === undefined ? undefined : affineBetween(options.setNormalization, await readTeacherNormalization(files.preprocessor));

  const session = await ort.InferenceSession.create(path, options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 }).catch((err: unknown) => {
    throw new BadFileError(path, `onnxruntime could not load it: ${(err as Error).message}`);
  });
  try {
    const inputName = source.inputName ?? (session.inputNames.length === 1 ? (session.inputNames[0] as string) : 'input_values');
    const outputName = source.outputName ?? (session.outputNames.includes('logits') ? 'logits' : session.outputNames.length === 1 ? (session.outputNames[0] as string) : 'logits');
    requireName(path, 'input', inputName, session.inputNames);
    requireName(path, 'output', outputName, session.outputNames);
    const fixedBatch = checkInputShape(path, inputName, session, set);

    const stride = set.frames * set.bins;
    const numClasses = options.labels.length;
    const out = new Float32Array(set.count * numClasses);
    const batchSize = fixedBatch ?? options.batchSize;
    const buffer = new Float32Array(batchSize * stride);
    let teacherClasses: number | undefined;
    await forEachBatch(set.count, `teacher logits (${describeTeacher(source)})`, { ...options, batchSize }, async (start, n) => {
      const rows = set.features.subarray(start * stride, (start + n) * stride);
      // A fixed-batch graph gets its last batch zero-padded; the padding rows' logits are ignored.
      const fed = fixedBatch ?? n;
      let data = rows;
      if (renormalize !== undefined || fed !== n) {
        buffer.fill(0);
        for (let i = 0; i < rows.length; i++) buffer[i] = renormalize === undefined ? (rows[i] as number) : (rows[i] as number) * renormalize.scale + renormalize.shift;
        data = buffer.subarray(0, fed * stride);
      }
      const result = await session.run({ [inputName]: new ort.Tensor('float32', data, [fed, set.frames, set.bins]) });
      const logits = result[outputName];
      if (logits === undefined || logits.type !== 'float32' || logits.dims.length !== 2 || logits.dims[0] !== fed) {
        throw new BadFileError(path, `output '${outputName}' must be float32 [${fed}, classes] for a batch of ${fed}; got ${logits === undefined ? 'nothing' : `${logits.type} [${logits.dims.join(', ')}]`}`);
      }
      teacherClasses ??= checkClassCount(path, outputName, logits.dims[1] as number, teacherLabels, where, options.labels);
      const raw = (logits.data as Float32Array).subarray(0, n * teacherClasses);
      const columns = mapping?.columns;
      out.set(columns === undefined || isIdentity(columns, teacherClasses) ? raw : selectColumns(raw, n, teacherClasses, columns), start * numClasses);
    });
    return out;
  } finally {
    await session.release();
  }
}

function requireName(path: string, kind: 'input' | 'output', name: string, available: readonly string[]): void {
  if (!available.includes(name)) {
    throw new BadFileError(path, `graph has no ${kind} '${name}'; its ${kind}s are: ${available.join(', ')}`, `pass ${kind}Name on the teacher source to pick one`);
  }
}

/** Throw unless the input is float32 [N, frames, bins] (symbolic dims match anything); returns N when the graph fixes it. */
function checkInputShape(path: string, inputName: string, session: ort.InferenceSession, set: FeatureSet): number | undefined {
  const meta = session.inputMetadata.find((m) => m.name === inputName);
  // onnxruntime reports no shape for some graphs; then the first session.run is the check.
  if (meta === undefined || !meta.isTensor || meta.shape.length === 0) return undefined;
  const fixed = (d: number | string | undefined): d is number => typeof d === 'number' && d > 0;
  const [batch, frames, bins] = meta.shape;
  if (meta.type !== 'float32' || meta.shape.length !== 3 || (fixed(frames) && frames !== set.frames) || (fixed(bins) && bins !== set.bins)) {
    throw new BadFileError(
      path,
      `input '${inputName}' must be float32 [N, ${set.frames}, ${set.bins}] (the feature set's frames x mel bins); got ${meta.type} [${meta.shape.join(', ')}]`,
      'distil from a teacher trained on the same front end (frames and mel bins) as the student',
    );
  }
  return fixed(batch) ? batch : undefined;
}

function checkClassCount(path: string, outputName: string, classes: number, teacherLabels: readonly string[] | undefined, where: string, ours: readonly string[]): number {
  if (teacherLabels === undefined && classes !== ours.length) {
    throw new BadFileError(
      path,
      `output '${outputName}' has ${classes} classes but our labels are ${ours.length} [${ours.join(', ')}]; with no config.json id2label beside the file or one directory up, the output must be our classes in our order`,
      "put a transformers config.json with id2label next to the model, or pass 'labels' on the teacher source",
    );
  }
  if (teacherLabels !== undefined && classes !== teacherLabels.length) {
    throw new BadFileError(path, `output '${outputName}' has ${classes} classes but ${where} names ${teacherLabels.length}`);
  }
  return classes;
}

/** The statistics a transformers.js preprocessor_config.json normalises with (do_normalize off = raw values). */
async function readTeacherNormalization(preprocessorPath: string): Promise<FeatureNormalization> {
  let config: { do_normalize?: unknown; mean?: unknown; std?: unknown };
  try {
    config = JSON.parse(await readFile(preprocessorPath, 'utf8')) as typeof config;
  } catch (err) {
    throw new BadFileError(preprocessorPath, `cannot read it as JSON: ${(err as Error).message}`);
  }
  // ASTFeatureExtractor's normalisation is (x - mean) / (2 * std); mean 0, std 0.5 leaves values as they are.
  if (config.do_normalize === false) return { mean: 0, std: 0.5 };
  const { mean, std } = config;
  if (typeof mean !== 'number' || typeof std !== 'number' || !(std > 0)) {
    throw new UnsupportedError(
      `${preprocessorPath}: 'mean' and 'std' must be numbers (std > 0) to re-normalise features for this teacher; got mean ${JSON.stringify(mean)}, std ${JSON.stringify(std)}`,
      "leave 'setNormalization' unset to feed the rows as they are",
    );
  }
  return { mean, std };
}

/** x_teacher = x_set * scale + shift, both under (x - mean) / (2 * std) of the same raw features; undefined when equal. */
function affineBetween(from: FeatureNormalization, to: FeatureNormalization): { scale: number; shift: number } | undefined {
  const scale = from.std / to.std;
  const shift = (from.mean - to.mean) / (2 * to.std);
  return scale === 1 && shift === 0 ? undefined : { scale, shift };
}
