// The distillation loss equals its formula, reduces to cross-entropy at α = 0, smooths and takes soft targets by hand formula, and validates its parameters.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CROSS_ENTROPY_LOSS, resolveTrainingLoss, trainingLossValue } from './training-loss.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const logSoftmax = (row: number[], t: number): number[] => {
  const z = row.map((v) => v / t);
  const max = Math.max(...z);
  const lse = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0));
  return z.map((v) => v - lse);
};

/** The loss written out in plain numbers, the reference the tensor version must match. */
function referenceLoss(student: number[][], teacher: number[][], labels: number[], alpha: number, t: number): number {
  let total = 0;
  student.forEach((row, i) => {
    const ce = -(logSoftmax(row, 1)[labels[i] as number] as number);
    const p = logSoftmax(teacher[i] as number[], t);
    const q = logSoftmax(row, t);
    const kl = p.reduce((s, lp, c) => s + Math.exp(lp) * (lp - (q[c] as number)), 0);
    total += alpha * t * t * kl + (1 - alpha) * ce;
  });
  return total / student.length;
}

const student = [
  [2.0, -1.0, 0.5],
  [0.1, 0.3, -0.2],
];
const teacher = [
  [3.0, 1.0, -2.0],
  [-1.0, 2.5, 0.0],
];
const labels = [0, 2];

function lossOf(loss: Parameters<typeof trainingLossValue>[0], s = student, t: number[][] | null = teacher): number {
  return tf.tidy(() => trainingLossValue(loss, tf.tensor2d(s), tf.oneHot(tf.tensor1d(labels, 'int32'), 3), t === null ? undefined : tf.tensor2d(t)).dataSync()[0] as number);
}

describe('trainingLossValue', () => {
  it('matches α·T²·KL(teacher_T‖student_T) + (1−α)·CE written out by hand', () => {
    for (const [alpha, temperature] of [
      [0.7, 4],
      [0.5, 2],
      [1, 1],
    ] as const) {
      expect(lossOf({ kind: 'distillation', alpha, temperature })).toBeCloseTo(referenceLoss(student, teacher, labels, alpha, temperature), 5);
    }
  });

  it('is plain cross-entropy at α = 0, and only (1−α)·CE when the student already matches the teacher', () => {
    const ce = lossOf(CROSS_ENTROPY_LOSS, student, null);
    expect(lossOf({ kind: 'distillation', alpha: 0, temperature: 3 })).toBeCloseTo(ce, 6);
    expect(lossOf({ kind: 'distillation', alpha: 0.25, temperature: 3 }, student, student)).toBeCloseTo(0.75 * ce, 6);
  });

  it('needs teacher logits for distillation and leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    expect(() => lossOf({ kind: 'distillation', alpha: 0.5, temperature: 2 }, student, null)).toThrow(/needs teacher logits/);
    lossOf({ kind: 'distillation', alpha: 0.5, temperature: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** Cross-entropy against target distributions, smoothed by ε toward uniform, written out in plain numbers. */
function referenceSoftCe(student: number[][], targets: number[][], epsilon: number): number[] {
  return student.map((row, i) => {
    const q = logSoftmax(row, 1);
    return -(targets[i] as number[]).reduce((s, y, c) => s + ((1 - epsilon) * y + epsilon / row.length) * (q[c] as number), 0);
  });
}

/** The distillation loss with a smoothed CE term, per the formula; the KL term is the unsmoothed teacher's. */
function referenceSmoothedDistillation(targets: number[][], alpha: number, t: number, epsilon: number): number {
  const ce = referenceSoftCe(student, targets, epsilon);
  const kl = student.map((row, i) => {
    const p = logSoftmax(teacher[i] as number[], t);
    const q = logSoftmax(row, t);
    return p.reduce((s, lp, c) => s + Math.exp(lp) * (lp - (q[c] as number)), 0);
  });
  return ce.reduce((s, v, i) => s + alpha * t * t * (kl[i] as number) + (1 - alpha) * v, 0) / student.length;
}

const oneHot = labels.map((l) => [0, 1, 2].map((c) => (c === l ? 1 : 0)));
const mixed = [
  [0.25, 0.75, 0],
  [0, 0.4, 0.6],
];

function smoothedLossOf(loss: Parameters<typeof trainingLossValue>[0], targets: number[][], epsilon: number): number {
  return tf.tidy(() => trainingLossValue(loss, tf.tensor2d(student), tf.tensor2d(targets), tf.tensor2d(teacher), epsilon).dataSync()[0] as number);
}

describe('trainingLossValue with label smoothing and soft targets', () => {
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

  it('at ε = 0 is bit for bit the loss as computed before smoothing existed, for both kinds', () => {
    // The formula trainingLossValue had before label smoothing landed (3c646d9^), written out again with tfjs ops:
    // plain softmaxCrossEntropy(oneHot, logits), and α·T²·KL + (1−α)·CE on top of it for distillation.
    const beforeSmoothing = (alpha: number | undefined, t: number): number =>
      tf.tidy(() => {
        const logits = tf.tensor2d(student);
        const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), logits);
        if (alpha === undefined) return ce.dataSync()[0] as number;
        const teacherLogProbs = tf.logSoftmax(tf.div(tf.tensor2d(teacher), t));
        const studentLogProbs = tf.logSoftmax(tf.div(logits, t));
        const kl = tf.mean(tf.sum(tf.mul(tf.exp(teacherLogProbs), tf.sub(teacherLogProbs, studentLogProbs)), -1));
        return tf.add(tf.mul(alpha * t * t, kl), tf.mul(1 - alpha, ce)).dataSync()[0] as number;
      });
    const atZero = (loss: Parameters<typeof trainingLossValue>[0]) =>
      tf.tidy(() => trainingLossValue(loss, tf.tensor2d(student), tf.oneHot(tf.tensor1d(labels, 'int32'), 3), tf.tensor2d(teacher), 0).dataSync()[0] as number);
    expect(atZero(CROSS_ENTROPY_LOSS)).toBe(beforeSmoothing(undefined, 1));
    expect(atZero({ kind: 'distillation', alpha: 0.7, temperature: 4 })).toBe(beforeSmoothing(0.7, 4));
    // And it is the hand-written formula, so the reference above is not merely agreeing with itself.
    expect(atZero(CROSS_ENTROPY_LOSS)).toBeCloseTo(mean(referenceSoftCe(student, oneHot, 0)), 6);
  });

  it('smooths the cross-entropy targets to (1−ε)·y + ε/K, written out by hand', () => {
    for (const epsilon of [0.1, 0.3]) {
      expect(smoothedLossOf(CROSS_ENTROPY_LOSS, oneHot, epsilon)).toBeCloseTo(mean(referenceSoftCe(student, oneHot, epsilon)), 5);
      // Smoothing moves the loss: the test would not pass with ε ignored.
      expect(Math.abs(smoothedLossOf(CROSS_ENTROPY_LOSS, oneHot, epsilon) - lossOf(CROSS_ENTROPY_LOSS))).toBeGreaterThan(0.01);
    }
  });

  it('smooths only the (1−α)·CE term of distillation, not the teacher’s distribution', () => {
    for (const [alpha, temperature, epsilon] of [
      [0.7, 4, 0.1],
      [0.3, 2, 0.2],
    ] as const) {
      expect(smoothedLossOf({ kind: 'distillation', alpha, temperature }, oneHot, epsilon)).toBeCloseTo(referenceSmoothedDistillation(oneHot, alpha, temperature, epsilon), 5);
    }
    // At α = 1 the CE term is gone, so smoothing changes nothing.
    const allSoft = { kind: 'distillation', alpha: 1, temperature: 3 } as const;
    expect(smoothedLossOf(allSoft, oneHot, 0.3)).toBeCloseTo(smoothedLossOf(allSoft, oneHot, 0), 6);
  });

  it('takes soft (mixup) targets as distributions, smoothed on top', () => {
    expect(smoothedLossOf(CROSS_ENTROPY_LOSS, mixed, 0)).toBeCloseTo(mean(referenceSoftCe(student, mixed, 0)), 5);
    expect(smoothedLossOf(CROSS_ENTROPY_LOSS, mixed, 0.2)).toBeCloseTo(mean(referenceSoftCe(student, mixed, 0.2)), 5);
    expect(smoothedLossOf({ kind: 'distillation', alpha: 0.5, temperature: 2 }, mixed, 0.2)).toBeCloseTo(referenceSmoothedDistillation(mixed, 0.5, 2, 0.2), 5);
  });
});

describe('resolveTrainingLoss', () => {
  it('names the field and the value', () => {
    expect(() => resolveTrainingLoss({ kind: 'distillation', alpha: 1.5, temperature: 2 })).toThrow("Argument 'alpha' passed to 'distillation' must be in [0, 1]; got 1.5");
    expect(() => resolveTrainingLoss({ kind: 'distillation', alpha: 0.5, temperature: 0 })).toThrow("Argument 'temperature' passed to 'distillation' must be a finite number > 0; got 0");
    expect(() => resolveTrainingLoss({ kind: 'hinge' } as never)).toThrow("Loss kind 'hinge' is not supported. Supported: cross-entropy, distillation");
  });
});
