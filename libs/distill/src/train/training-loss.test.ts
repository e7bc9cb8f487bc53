// The distillation loss equals its formula, reduces to cross-entropy at α = 0, and validates its parameters.
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

describe('resolveTrainingLoss', () => {
  it('names the field and the value', () => {
    expect(() => resolveTrainingLoss({ kind: 'distillation', alpha: 1.5, temperature: 2 })).toThrow("Argument 'alpha' passed to 'distillation' must be in [0, 1]; got 1.5");
    expect(() => resolveTrainingLoss({ kind: 'distillation', alpha: 0.5, temperature: 0 })).toThrow("Argument 'temperature' passed to 'distillation' must be a finite number > 0; got 0");
    expect(() => resolveTrainingLoss({ kind: 'hinge' } as never)).toThrow("Loss kind 'hinge' is not supported. Supported: cross-entropy, distillation");
  });
});
