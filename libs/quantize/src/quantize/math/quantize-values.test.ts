// Quantizing values: saturation, symmetric weights, int32 biases, and bit-exact agreement with onnxruntime's QuantizeLinear.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { OnnxModel } from '../../onnx/onnx-model.ts';
import { encodeOnnxModel } from '../../proto/encode-onnx-model.ts';
import type { QuantType } from './quant-params.ts';
import { dequantizeValue, quantizeArray, quantizeBias, quantizeValue, quantizeWeights } from './quantize-values.ts';

/** A one-node model: y = QuantizeLinear(x, scale, zeroPoint). */
function quantizeLinearModel(scale: number, zeroPoint: number, type: QuantType): OnnxModel {
  return {
    irVersion: 7,
    opsetImports: [{ domain: '', version: 13 }],
    producerName: 'test',
    producerVersion: '0',
    docString: '',
    graph: {
      name: 'q',
      nodes: [{ name: 'q', opType: 'QuantizeLinear', domain: '', inputs: ['x', 's', 'z'], outputs: ['y'], attributes: [] }],
      initializers: [
        { name: 's', dataType: 'float32', dims: [], data: Float32Array.of(scale) },
        type === 'int8' ? { name: 'z', dataType: 'int8', dims: [], data: Int8Array.of(zeroPoint) } : { name: 'z', dataType: 'uint8', dims: [], data: Uint8Array.of(zeroPoint) },
      ],
      inputs: [{ name: 'x', elemType: 'float32', shape: ['n'] }],
      outputs: [{ name: 'y', elemType: type, shape: ['n'] }],
      valueInfo: [],
    },
    metadata: {},
  };
}

describe('quantizeValue', () => {
  it('rounds half to even, adds the zero point and saturates', () => {
    const p = { scale: 0.5, zeroPoint: 3 };
    expect([0.25, 0.75, -0.25, -0.75, 1000, -1000].map((x) => quantizeValue(x, p, -128, 127))).toEqual([3, 5, 3, 1, 127, -128]);
    expect(dequantizeValue(5, p)).toBe(1);
  });
});

describe('quantizeArray matches onnxruntime QuantizeLinear bit for bit', () => {
  const values = Float32Array.from([0, 0.05, -0.05, 0.15, -0.15, 0.25, 1.25, -1.25, 2.5, 12.7, 12.75, 12.85, -12.8, -12.85, 40, -40, 1e-8, 0.3333333, ...Array.from({ length: 200 }, (_, i) => Math.sin(i * 12.9898) * 14)]);
  it.each([
    ['int8', 0.1, 0],
    ['int8', 0.05, -128],
    ['int8', Math.fround(2 / 255), -64],
    ['uint8', 0.1, 128],
    ['uint8', Math.fround(3 / 255), 0],
  ] as const)('%s, scale %d, zero point %d', async (type, scale, zeroPoint) => {
    const session = await ort.InferenceSession.create(encodeOnnxModel(quantizeLinearModel(scale, zeroPoint, type)));
    try {
      const out = await session.run({ x: new ort.Tensor('float32', values, [values.length]) });
      expect(Array.from(quantizeArray(values, { scale: Math.fround(scale), zeroPoint }, type))).toEqual(Array.from(out['y']!.data as Int8Array));
    } finally {
      await session.release();
    }
  });
});

describe('quantizeWeights / quantizeBias', () => {
  it('quantizes each output channel with its own scale and keeps symmetric weights in [-127, 127]', () => {
    const w = Float32Array.of(1, -2, 0.5, 0.25);
    const q = quantizeWeights(w, [2, 2], 0, [
      { scale: 2 / 127, zeroPoint: 0 },
      { scale: 0.5 / 127, zeroPoint: 0 },
    ]);
    expect(Array.from(q)).toEqual([64, -127, 127, 64]);
    // A value beyond the channel's scale saturates at -127, never -128.
    expect(Array.from(quantizeWeights(Float32Array.of(-5), [1], 0, [{ scale: 1 / 127, zeroPoint: 0 }]))).toEqual([-127]);
  });

  it('biases become int32 at scale input x weight, rounded half to even and clamped to int32', () => {
    expect(Array.from(quantizeBias(Float32Array.of(0.25, -0.75, 1), [0.5, 0.5, 0.001]))).toEqual([0, -2, 1000]);
    expect(Array.from(quantizeBias(Float32Array.of(1e9, -1e9), [1e-3, 1e-3]))).toEqual([2147483647, -2147483648]);
  });
});
