// Export parity: the largest logit difference and top-1 agreement by hand, and a refusal that names what was exported.
import { describe, expect, it } from 'vitest';
import { checkExportParity, compareLogits, PARITY_TOLERANCE } from './export-parity.ts';

// Three clips of three classes; tfjs's top-1 is class 0, 1, 2.
const tfjs = Float32Array.from([3, 1, 0, 0, 2, 1, -1, 0, 4]);

describe('compareLogits', () => {
  it('gives the largest |difference| and the share of clips with the same top-1', () => {
    // Clip 1 moves by 0.5 and its top-1 becomes class 2; clip 2 moves by 0.25, same top-1.
    const onnx = Float32Array.from([3, 1, 0, 0, 2, 2.5, -1, 0.25, 4]);
    const parity = compareLogits(tfjs, onnx, 3);
    expect(parity.clips).toBe(3);
    expect(parity.maxAbsLogitDiff).toBe(1.5);
    expect(parity.topOneAgreement).toBeCloseTo(2 / 3, 12);
  });

  it('counts no clips as full agreement', () => {
    expect(compareLogits(new Float32Array(0), new Float32Array(0), 3)).toEqual({ clips: 0, maxAbsLogitDiff: 0, topOneAgreement: 1 });
  });
});

describe('checkExportParity', () => {
  it('passes logits within the tolerance and returns the figures', () => {
    const onnx = tfjs.map((x, i) => (i === 4 ? x + PARITY_TOLERANCE / 2 : x));
    expect(checkExportParity(tfjs, onnx, 3)).toEqual({ clips: 3, maxAbsLogitDiff: Math.abs((onnx[4] as number) - 2), topOneAgreement: 1 });
  });

  it('refuses a difference beyond the tolerance, or any changed top-1, naming the export', () => {
    const drifted = tfjs.map((x, i) => (i === 8 ? x + 10 * PARITY_TOLERANCE : x));
    expect(() => checkExportParity(tfjs, drifted, 3)).toThrow(/^ONNX export does not match tfjs: max \|Δlogit\| 0\.00\d+ \(allowed 0\.0001\), top-1 agreement 1$/);
    // Within the tolerance, but clip 0's two largest logits are tied in tfjs and split the other way in ONNX.
    const tied = Float32Array.from([1, 1, 0]);
    expect(() => checkExportParity(tied, Float32Array.from([1, 1 + PARITY_TOLERANCE / 2, 0]), 3, "ONNX export of role 'without-espeak'")).toThrow(
      "ONNX export of role 'without-espeak' does not match tfjs",
    );
  });
});
