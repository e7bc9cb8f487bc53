// Teacher logits from a tfjs layers model (a bigger zoo model trained by the pipeline).

import type { FeatureSet } from '@whittle/datasets';
import { ConfigError } from '@whittle/datasets';
import { predictLogits } from '../train/train-classifier.ts';
import { forEachBatch } from './for-each-batch.ts';
import { isIdentity, selectColumns, teacherColumns } from './teacher-labels.ts';
import type { ResolvedTeacherOptions } from './teacher-options.ts';
import { describeTeacher, type TeacherSource } from './teacher-source.ts';

/** [set.count, labels.length] logits in our class order; the set's rows are fed as they are. */
export async function layersTeacherLogits(source: TeacherSource & { kind: 'layers' }, set: FeatureSet, options: ResolvedTeacherOptions): Promise<Float32Array> {
  const name = describeTeacher(source);
  const { model } = source;
  const input = model.inputs[0]?.shape ?? [];
  if (model.inputs.length !== 1 || input.length !== 3 || (input[1] !== null && input[1] !== set.frames) || (input[2] !== null && input[2] !== set.bins)) {
    throw new ConfigError(
      `${name}: input must be [N, ${set.frames}, ${set.bins}] (frames x bins of the feature set); got ${model.inputs.map((t) => `[${t.shape.map((d) => d ?? 'N').join(', ')}]`).join(', ')}`,
      'distil from a teacher trained on the same front end (frames and mel bins) as the student',
    );
  }
  const teacherClasses = model.outputs[0]?.shape.at(-1) ?? 0;
  const teacherLabels = source.labels ?? options.labels;
  if (teacherLabels.length !== teacherClasses) {
    throw new ConfigError(
      `${name}: outputs ${teacherClasses} classes but ${source.labels === undefined ? 'our' : "the source's"} labels name ${teacherLabels.length} [${teacherLabels.join(', ')}]`,
      source.labels === undefined ? "pass 'labels' on the teacher source with its class names in output order" : undefined,
    );
  }
  const { columns, dropped } = teacherColumns(teacherLabels, options.labels, name);
  if (dropped.length > 0) options.reporter.warn(`${name}: classes ${dropped.join(', ')} are not ours and are dropped`);
  const out = new Float32Array(set.count * options.labels.length);
  const stride = set.frames * set.bins;
  await forEachBatch(set.count, `teacher logits (${name})`, options, (start, n) => {
    const rows: FeatureSet = { ...set, features: set.features.subarray(start * stride, (start + n) * stride), count: n };
    const raw = predictLogits(model, rows, n);
    out.set(isIdentity(columns, teacherClasses) ? raw : selectColumns(raw, n, teacherClasses, columns), start * options.labels.length);
  });
  return out;
}
