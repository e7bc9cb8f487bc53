// Metrics on hand-made logits: argmax ties, accuracy, confusion, recall (empty class), agreement.
import { describe, expect, it } from 'vitest';
import { accuracy } from './accuracy.ts';
import { logitAgreement } from './agreement.ts';
import { argmaxRows } from './argmax.ts';
import { classificationMetrics } from './classification-metrics.ts';
import { confusionMatrix } from './confusion.ts';
import { perClassCount, perClassRecall } from './recall.ts';

const CLASSES = ['yes', 'no', 'up'];
// Five rows of three classes. Row 3 ties classes 1 and 2; row 4 is constant.
const LOGITS = Float32Array.from([
  5, 1, 0, // -> 0
  0, 3, 1, // -> 1
  0, 1, 2, // -> 2
  0, 4, 4, // -> 1 (tie, lowest index)
  7, 7, 7, // -> 0 (all equal)
]);
const LABELS = Int32Array.from([0, 1, 1, 2, 0]);

describe('argmaxRows', () => {
  it('picks the largest logit per row and breaks ties toward the lowest index', () => {
    expect(Array.from(argmaxRows(LOGITS, 3))).toEqual([0, 1, 2, 1, 0]);
  });

  it('never lets NaN win', () => {
    expect(Array.from(argmaxRows(Float32Array.from([NaN, 1, 2, NaN]), 2))).toEqual([1, 0]);
  });

  it('rejects a length that is not whole rows', () => {
    expect(() => argmaxRows(Float32Array.from([1, 2, 3]), 2)).toThrow(/whole rows of 2 classes; got 3 values/);
  });
});

describe('accuracy / confusion / recall', () => {
  const predicted = argmaxRows(LOGITS, 3);

  it('accuracy counts exact matches', () => {
    expect(accuracy(predicted, LABELS)).toBeCloseTo(3 / 5, 12);
    expect(accuracy(new Int32Array(0), new Int32Array(0))).toBe(0);
  });

  it('confusion is [true][predicted]', () => {
    expect(confusionMatrix(predicted, LABELS, 3)).toEqual([
      [2, 0, 0],
      [0, 1, 1],
      [0, 1, 0],
    ]);
  });

  it('recall is the diagonal over row sums, null for a class with no clips', () => {
    const m = [
      [2, 0, 0],
      [0, 1, 3],
      [0, 0, 0],
    ];
    expect(perClassRecall(m)).toEqual([1, 0.25, null]);
    expect(perClassCount(m)).toEqual([2, 4, 0]);
  });

  it('out-of-range labels name the row', () => {
    expect(() => confusionMatrix(Int32Array.from([0]), Int32Array.from([5]), 3)).toThrow(/Row 0 .* label 5/);
  });
});

describe('classificationMetrics', () => {
  it('assembles every field keyed by class name', () => {
    const m = classificationMetrics(LOGITS, LABELS, CLASSES);
    expect(m.count).toBe(5);
    expect(m.accuracy).toBeCloseTo(0.6, 12);
    expect(m.perClassCount).toEqual({ yes: 2, no: 2, up: 1 });
    expect(m.perClassRecall).toEqual({ yes: 1, no: 0.5, up: 0 });
    expect(m.confusion[1]).toEqual([0, 1, 1]);
  });

  it('gives null recall (not NaN) to a class absent from the test set, and survives JSON', () => {
    const four = classificationMetrics(Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]), Int32Array.from([0, 1]), ['yes', 'no', 'up', 'down']);
    expect(four.perClassRecall).toEqual({ yes: 1, no: 1, up: null, down: null });
    expect(JSON.parse(JSON.stringify(four))).toEqual(four);
  });

  it('rejects logits of the wrong size', () => {
    expect(() => classificationMetrics(LOGITS, LABELS, ['a', 'b'])).toThrow(/5 rows x 2 classes = 10 values; got 15/);
  });
});

describe('logitAgreement', () => {
  it('counts top-1 matches and the largest logit gap', () => {
    const other = Float32Array.from(LOGITS);
    other[1] = 9; // row 0 now predicts class 1 (gap 8)
    other[5] = 1.5; // row 1 still predicts class 1 (gap 0.5)
    const a = logitAgreement(other, LOGITS, 3);
    expect(a.topOne).toBeCloseTo(4 / 5, 12);
    expect(a.maxAbsLogitDiff).toBe(8);
    expect(logitAgreement(LOGITS, LOGITS, 3)).toEqual({ topOne: 1, maxAbsLogitDiff: 0 });
  });
});
