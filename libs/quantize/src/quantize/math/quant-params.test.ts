// Scales and zero points: asymmetric activations (range widened to 0), symmetric activations and per-channel weights.
import { describe, expect, it } from 'vitest';
import { activationParams, biasScale, channelIndexer, quantRange, symmetricWeightParams } from './quant-params.ts';

const f = Math.fround;

describe('activationParams', () => {
  it('asymmetric int8 widens the range to include 0 (a ReLU output gets zero point -128)', () => {
    expect(activationParams({ min: 0.5, max: 2 }, 'int8', false)).toEqual({ scale: f(2 / 255), zeroPoint: -128 });
    expect(activationParams({ min: 0, max: 2 }, 'uint8', false)).toEqual({ scale: f(2 / 255), zeroPoint: 0 });
    expect(activationParams({ min: -3, max: -1 }, 'int8', false)).toEqual({ scale: f(3 / 255), zeroPoint: 127 });
  });

  it('asymmetric zero point is qmin - min / scale rounded half to even', () => {
    // [-64.25, 63.25]: scale exactly 0.5, -min / scale = 128.5: int8 -128 + 128.5 = 0.5 -> 0, uint8 128.5 -> 128.
    expect(activationParams({ min: -64.25, max: 63.25 }, 'int8', false)).toEqual({ scale: 0.5, zeroPoint: 0 });
    expect(activationParams({ min: -64.25, max: 63.25 }, 'uint8', false)).toEqual({ scale: 0.5, zeroPoint: 128 });
    // [-1, 3]: scale 4/255, -128 + 63.75 = -64.25 -> -64.
    expect(activationParams({ min: -1, max: 3 }, 'int8', false)).toEqual({ scale: f(4 / 255), zeroPoint: -64 });
  });

  it('symmetric ranges center on the type (0 for int8 over [-127, 127], 128 for uint8)', () => {
    expect(activationParams({ min: -0.5, max: 2 }, 'int8', true)).toEqual({ scale: f(4 / 254), zeroPoint: 0 });
    expect(activationParams({ min: -0.5, max: 2 }, 'uint8', true)).toEqual({ scale: f(4 / 255), zeroPoint: 128 });
    expect(quantRange('int8', true)).toEqual({ qmin: -127, qmax: 127 });
  });

  it('an all-zero range gets scale 1 rather than 0', () => {
    expect(activationParams({ min: 0, max: 0 }, 'int8', false)).toEqual({ scale: 1, zeroPoint: -128 });
  });

  it('rejects non-finite ranges', () => {
    expect(() => activationParams({ min: -Infinity, max: 1 }, 'int8', false)).toThrow('activation range must be finite; got [-Infinity, 1]');
  });
});

describe('symmetricWeightParams', () => {
  // [3, 2] weights, output channels on axis 0.
  const w = Float32Array.of(1, -2, 0.5, 0.25, 0, 0);
  it('per channel: absmax / 127 per slice of the axis, zero point 0, scale 1 for an all-zero channel', () => {
    expect(symmetricWeightParams(w, [3, 2], 0)).toEqual([
      { scale: f(2 / 127), zeroPoint: 0 },
      { scale: f(0.5 / 127), zeroPoint: 0 },
      { scale: 1, zeroPoint: 0 },
    ]);
  });
  it('per channel along axis 1 and per tensor', () => {
    expect(symmetricWeightParams(w, [3, 2], 1).map((p) => p.scale)).toEqual([f(1 / 127), f(2 / 127)]);
    expect(symmetricWeightParams(w, [3, 2], undefined)).toEqual([{ scale: f(2 / 127), zeroPoint: 0 }]);
  });
  it('channelIndexer walks an axis of a row-major tensor', () => {
    const at = channelIndexer([2, 3, 2], 1);
    expect(Array.from({ length: 12 }, (_, k) => at(k))).toEqual([0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2]);
  });
});

describe('biasScale', () => {
  it('is the float32 product of input and weight scales', () => {
    expect(biasScale(f(0.1), f(0.003))).toBe(f(f(0.1) * f(0.003)));
  });
});
