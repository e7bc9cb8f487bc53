// Round half to even: the tie-breaking ONNX QuantizeLinear uses.
import { describe, expect, it } from 'vitest';
import { roundHalfToEven } from './round-half-to-even.ts';

describe('roundHalfToEven', () => {
  it.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [3.5, 4],
    [-0.5, 0],
    [-1.5, -2],
    [-2.5, -2],
    [-3.5, -4],
    [2.4999, 2],
    [2.5001, 3],
    [-2.5001, -3],
    [126.5, 126],
    [127.5, 128],
    [7, 7],
  ])('%d -> %d', (x, expected) => {
    // toBe(0) would fail on -0; compare with ==.
    expect(roundHalfToEven(x) === expected).toBe(true);
  });
});
