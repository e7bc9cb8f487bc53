// The metrics block of one variant: accuracy, per-class recall and counts, confusion matrix.

import { WhittleError } from '@whittle/datasets';
import { accuracy } from './accuracy.ts';
import { argmaxRows } from './argmax.ts';
import { confusionMatrix } from './confusion.ts';
import { perClassCount, perClassRecall } from './recall.ts';

/** Everything the report says about one variant's predictions. JSON-serialisable. */
export interface ClassificationMetrics {
  readonly count: number;
  readonly accuracy: number;
  /** Keyed by class name; `null` when the class has no test clips (see `perClassRecall`). */
  readonly perClassRecall: Record<string, number | null>;
  readonly perClassCount: Record<string, number>;
  /** `confusion[true][predicted]`, in `classNames` order. */
  readonly confusion: number[][];
}

/** Metrics for row-major `logits` [labels.length, classNames.length] against `labels`. */
export function classificationMetrics(logits: Float32Array, labels: Int32Array, classNames: readonly string[]): ClassificationMetrics {
  const numClasses = classNames.length;
  if (logits.length !== labels.length * numClasses) {
    throw new WhittleError(
      'INVALID_ARGUMENT',
      `Argument 'logits' passed to 'classificationMetrics' must hold ${labels.length} rows x ${numClasses} classes = ${labels.length * numClasses} values; got ${logits.length}`,
    );
  }
  const predicted = argmaxRows(logits, numClasses);
  const confusion = confusionMatrix(predicted, labels, numClasses);
  const recall = perClassRecall(confusion);
  const counts = perClassCount(confusion);
  return {
    count: labels.length,
    accuracy: accuracy(predicted, labels),
    perClassRecall: Object.fromEntries(classNames.map((name, c) => [name, recall[c] ?? null])),
    perClassCount: Object.fromEntries(classNames.map((name, c) => [name, counts[c] ?? 0])),
    confusion,
  };
}
