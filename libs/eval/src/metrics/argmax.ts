// Top-1 prediction per row of a row-major logits block; ties go to the lowest class index.

import { WhittleError } from '@whittle/datasets';

/**
 * The index of the largest logit in each of the `logits.length / numClasses` rows.
 * Ties resolve to the lowest index (like numpy and onnxruntime ArgMax), so a constant row predicts class 0.
 * A NaN never wins, so one poisoned logit cannot hide the rest of its row.
 */
export function argmaxRows(logits: Float32Array, numClasses: number): Int32Array {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new WhittleError('INVALID_ARGUMENT', `Argument 'numClasses' passed to 'argmaxRows' must be a positive integer; got ${numClasses}`);
  }
  if (logits.length % numClasses !== 0) {
    throw new WhittleError('INVALID_ARGUMENT', `Argument 'logits' passed to 'argmaxRows' must hold whole rows of ${numClasses} classes; got ${logits.length} values`);
  }
  const rows = logits.length / numClasses;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * numClasses;
    let best = 0;
    let bestValue = -Infinity;
    for (let c = 0; c < numClasses; c++) {
      const v = logits[base + c] as number;
      // Strictly greater keeps the first of equal maxima.
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    out[r] = best;
  }
  return out;
}
