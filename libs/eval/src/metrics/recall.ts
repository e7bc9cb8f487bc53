// Per-class recall (and clip counts) read off a confusion matrix.

/**
 * Recall of each class: correct / clips of that class. A class with no test clips has recall `null`,
 * not NaN or 0: its recall is undefined, and null survives JSON while NaN silently becomes null anyway.
 */
export function perClassRecall(confusion: readonly (readonly number[])[]): (number | null)[] {
  return confusion.map((row, c) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? null : (row[c] ?? 0) / total;
  });
}

/** Number of clips whose true class is each class (the row sums). */
export function perClassCount(confusion: readonly (readonly number[])[]): number[] {
  return confusion.map((row) => row.reduce((a, b) => a + b, 0));
}
