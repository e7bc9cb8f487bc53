// One entry point for teacher logits, whatever the teacher is: set.count x classes in our class order.

import { WhittleError, type FeatureSet } from '@whittle/datasets';
import { ensembleTeacherLogits } from './ensemble-teacher.ts';
import { layersTeacherLogits } from './layers-teacher.ts';
import { onnxTeacherLogits } from './onnx-teacher.ts';
import { resolveTeacherOptions, type TeacherLogitsOptions } from './teacher-options.ts';
import { describeTeacher, type TeacherSource } from './teacher-source.ts';
import { transformersTeacherLogits } from './transformers-teacher.ts';

/**
 * Row-major logits [set.count, labels.length] of `source` on every row of `set`, column c being our class
 * `labels[c]` (KWS_LABELS unless `options.labels`). 'layers' and 'onnx' teachers read the set's (normalised)
 * features; a 'transformers' teacher reads `options.audio(row)` waveforms through its own preprocessor; an
 * 'ensemble' runs each member so and returns the logits of their mean probabilities.
 * @example const logits = await teacherLogits({ kind: 'onnx', path: 'models/kws/0.1.0/onnx/model.onnx' }, train, { reporter })
 */
export async function teacherLogits(source: TeacherSource, set: FeatureSet, options: TeacherLogitsOptions = {}): Promise<Float32Array> {
  const resolved = resolveTeacherOptions(options);
  const logits =
    source.kind === 'layers'
      ? await layersTeacherLogits(source, set, resolved)
      : source.kind === 'onnx'
        ? await onnxTeacherLogits(source, set, resolved)
        : source.kind === 'ensemble'
          ? await ensembleTeacherLogits(source, set, resolved, (member, rows) => teacherLogits(member, rows, options))
          : await transformersTeacherLogits(source, set, resolved);
  // A NaN target would poison every student step that sees it, and a cache would keep it: refuse it here.
  const bad = logits.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const row = Math.floor(bad / resolved.labels.length);
    throw new WhittleError('NUMERIC', `${describeTeacher(source)}: logit ${logits[bad]} for row ${row} ('${set.ids[row] ?? row}')`, {
      hint: 'check the features (or waveforms) of that row and the normalisation the teacher expects',
    });
  }
  return logits;
}
