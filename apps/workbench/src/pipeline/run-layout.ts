// Where each stage of a keyword-spotter run reads and writes inside its run directory.

import { join } from 'node:path';

/** Paths of one run's stage outputs; stages communicate only through these files. */
export function runLayout(runDir: string) {
  const train = join(runDir, 'train');
  const onnx = join(runDir, 'onnx');
  const report = join(runDir, 'report');
  return {
    root: runDir,
    train,
    /** Resolved config, normalisation, labels, dataset summary, training history and backend. */
    trainRecord: join(train, 'train.json'),
    /** tfjs logits on the test split (float32, count x classes), the tfjs-fp32 variant's predictions. */
    tfjsTestLogits: join(train, 'test-logits.f32'),
    /** Per-epoch checkpoints of each unfinished training (`<role>/`; a role's folder goes once its model is written). */
    checkpoints: join(runDir, 'checkpoints'),
    /** Finished teacher / scratch / distilled models with their records, reused by a rerun with the same inputs. */
    roles: join(runDir, 'roles'),
    onnx,
    fp32: join(onnx, 'model.onnx'),
    int8: join(onnx, 'model_int8.onnx'),
    onnxRecord: join(onnx, 'onnx.json'),
    report,
    reportJson: join(report, 'report.json'),
    reportMd: join(report, 'report.md'),
    /** Shared content-addressed feature cache (not a stage output). */
    featureCache: join(runDir, '..', 'features'),
    /** Content-addressed teacher logits (keyed by teacher and feature rows), next to the feature cache. */
    teacherCache: join(runDir, '..', 'teacher-logits'),
  } as const;
}

export type RunLayout = ReturnType<typeof runLayout>;
