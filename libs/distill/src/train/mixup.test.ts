// Mixup's draws, mixed rows, soft targets and mixed teacher logits against hand-computed values.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@whittle/datasets';
import { drawMixup, mixRows, mixTargets, mixTeacherLogits, NO_MIXUP, type MixupDraw } from './mixup.ts';

const draw = (lambda: number, partners: number[]): MixupDraw => ({ lambda, partners: Int32Array.from(partners) });

const softmax = (row: number[], t: number): number[] => {
  const max = Math.max(...row.map((v) => v / t));
  const e = row.map((v) => Math.exp(v / t - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};

describe('drawMixup', () => {
  it('draws nothing from the generator when off', () => {
    const rng = new SeededRandom(4);
    const before = rng.snapshot();
    expect(drawMixup(NO_MIXUP, 8, rng)).toBeUndefined();
    expect(rng.snapshot()).toEqual(before);
  });

  it('mixes about `probability` of the batches, with λ in [0, 1] and a permutation of the rows', () => {
    const rng = new SeededRandom(4);
    let mixed = 0;
    for (let b = 0; b < 2000; b++) {
      const d = drawMixup({ probability: 0.3, alpha: 0.2 }, 6, rng);
      if (d === undefined) continue;
      mixed++;
      expect(d.lambda >= 0 && d.lambda <= 1).toBe(true);
      expect([...d.partners].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    }
    // Binomial(2000, 0.3): standard deviation 20.5.
    expect(Math.abs(mixed - 600)).toBeLessThan(80);
    const always = new SeededRandom(1);
    for (let b = 0; b < 20; b++) expect(drawMixup({ probability: 1, alpha: 1 }, 3, always)).toBeDefined();
  });

  it('reproduces per generator state', () => {
    const a = drawMixup({ probability: 1, alpha: 0.4 }, 10, new SeededRandom(8));
    const b = drawMixup({ probability: 1, alpha: 0.4 }, 10, new SeededRandom(8));
    expect(a).toEqual(b);
  });
});

describe('mixRows', () => {
  it('writes λ·row i + (1−λ)·row partner(i) for every row, reading only unmixed rows', () => {
    // Rows of width 2; row 0 pairs with 2 and row 2 with 0, so in-place mixing without the copy would be caught.
    const values = Float32Array.from([1, 2, 10, 20, 100, 200, 7, 7]);
    mixRows(values, 2, draw(0.25, [2, 1, 0]), new Float32Array(8));
    expect(Array.from(values)).toEqual([
      0.25 * 1 + 0.75 * 100,
      0.25 * 2 + 0.75 * 200,
      10,
      20,
      0.25 * 100 + 0.75 * 1,
      0.25 * 200 + 0.75 * 2,
      // Beyond the batch's rows (a short last batch): untouched.
      7,
      7,
    ]);
  });
});

describe('mixTargets', () => {
  it('writes λ·onehot(own) + (1−λ)·onehot(partner) and keeps the label with the larger share', () => {
    const labels = Int32Array.from([0, 1, 2, 1]);
    const targets = new Float32Array(4 * 3).fill(9);
    mixTargets(labels, 3, draw(0.3, [1, 3, 0, 2]), targets);
    expect(Array.from(targets)).toEqual(
      [
        [0.3, 0.7, 0], // class 0 mixed with class 1
        [0, 1, 0], // class 1 with class 1: still one-hot
        [0.7, 0, 0.3], // class 2 with class 0
        [0, 0.3, 0.7], // class 1 with class 2
      ]
        .flat()
        .map(Math.fround),
    );
    // λ = 0.3 < 0.5: every row counts against its partner's label.
    expect(Array.from(labels)).toEqual([1, 1, 0, 2]);
    const own = Int32Array.from([0, 1]);
    mixTargets(own, 2, draw(0.5, [1, 0]), new Float32Array(4));
    expect(Array.from(own)).toEqual([0, 1]);
  });
});

describe('mixTeacherLogits', () => {
  const t = 2;
  const teacher = [
    [4, 0, -1],
    [-2, 3, 1],
  ];

  it('makes softmax(logits / T) the λ-mixture of the two rows’ softmax(teacher / T)', () => {
    const logits = Float32Array.from(teacher.flat());
    mixTeacherLogits(logits, 3, t, draw(0.7, [1, 0]), new Float32Array(6));
    const p0 = softmax(teacher[0] as number[], t);
    const p1 = softmax(teacher[1] as number[], t);
    const got0 = softmax(Array.from(logits.subarray(0, 3)), t);
    const got1 = softmax(Array.from(logits.subarray(3, 6)), t);
    got0.forEach((p, c) => expect(p).toBeCloseTo(0.7 * (p0[c] as number) + 0.3 * (p1[c] as number), 6));
    got1.forEach((p, c) => expect(p).toBeCloseTo(0.7 * (p1[c] as number) + 0.3 * (p0[c] as number), 6));
  });

  it('leaves each row’s distribution as it was at λ = 1, and stays finite when both teachers rule a class out', () => {
    const logits = Float32Array.from(teacher.flat());
    mixTeacherLogits(logits, 3, t, draw(1, [1, 0]), new Float32Array(6));
    softmax(Array.from(logits.subarray(0, 3)), t).forEach((p, c) => expect(p).toBeCloseTo(softmax(teacher[0] as number[], t)[c] as number, 6));
    // exp(-3000 / 2) is 0 in float64: without the floor the log would be -Infinity.
    const extreme = Float32Array.from([0, 0, -3000, 0, 0, -3000]);
    mixTeacherLogits(extreme, 3, t, draw(0.5, [1, 0]), new Float32Array(6));
    expect(Array.from(extreme).every(Number.isFinite)).toBe(true);
  });
});
