// Confusion matrix: counts of (true class, predicted class) pairs.

import { WhittleError } from '@whittle/datasets';

/** `matrix[true][predicted]` counts over `numClasses` classes; labels or predictions out of range throw. */
export function confusionMatrix(predicted: Int32Array, labels: Int32Array, numClasses: number): number[][] {
  if (predicted.length !== labels.length) {
    throw new WhittleError('INVALID_ARGUMENT', `Arguments 'predicted' and 'labels' passed to 'confusionMatrix' must have the same length; got ${predicted.length} and ${labels.length}`);
  }
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i] as number;
    const p = predicted[i] as number;
    const row = matrix[t];
    if (row === undefined || p < 0 || p >= numClasses) {
      throw new WhittleError('INVALID_ARGUMENT', `Row ${i} passed to 'confusionMatrix' has label ${t} / prediction ${p}; both must be in [0, ${numClasses - 1}]`);
    }
    row[p] = (row[p] as number) + 1;
  }
  return matrix;
}
