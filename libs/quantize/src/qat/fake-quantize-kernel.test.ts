// Weight fake-quant of tfjs kernels: equals quantizeStatic's int8 weights dequantized, and the batch-norm commutation claim.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@whittle/datasets';
import { foldAffine } from '../export/fold-batch-norm.ts';
import { convKernelToOihw, denseKernelToOutIn, depthwiseKernelToOihw } from '../export/kernel-layout.ts';
import { symmetricWeightParams } from '../quantize/math/quant-params.ts';
import { dequantizeValue, quantizeWeights } from '../quantize/math/quantize-values.ts';
import { fakeQuantizeKernel } from './fake-quantize-kernel.ts';

function normal(count: number, seed: number): Float32Array {
  const rng = new SeededRandom(seed);
  return Float32Array.from({ length: count }, () => rng.normal() * 0.3);
}

/** What quantizeStatic stores for an ONNX weight with output channels on axis 0, dequantized. */
function exportedDequantized(weight: Float32Array, dims: number[], perChannel: boolean): Float32Array {
  const axis = perChannel ? 0 : undefined;
  const params = symmetricWeightParams(weight, dims, axis);
  const per = weight.length / (dims[0] as number);
  return Float32Array.from(quantizeWeights(weight, dims, axis, params), (q, k) => dequantizeValue(q, params[perChannel ? Math.floor(k / per) : 0]!));
}

describe('fakeQuantizeKernel without batch norm', () => {
  it.each([
    ['Conv2D [3, 2, 4, 5]', [3, 2, 4, 5], 5, (d: Float32Array, s: number[]) => convKernelToOihw(d, s), [5, 4, 3, 2]],
    ['DepthwiseConv2D [3, 3, 4, 2]', [3, 3, 4, 2], 8, (d: Float32Array, s: number[]) => depthwiseKernelToOihw(d, s), [8, 1, 3, 3]],
    ['Dense [6, 3]', [6, 3], 3, (d: Float32Array, s: number[]) => denseKernelToOutIn(d, s), [3, 6]],
  ] as const)('%s equals the exported int8 weight, dequantized, per channel and per tensor', (_, shape, channels, toOnnx, onnxDims) => {
    const kernel = normal(shape.reduce((a, b) => a * b, 1), 3);
    for (const perChannel of [true, false]) {
      const fq = fakeQuantizeKernel(kernel, channels, [], perChannel ? 'per-channel' : 'per-tensor');
      expect(Array.from(toOnnx(fq, [...shape]))).toEqual(Array.from(exportedDequantized(toOnnx(kernel, [...shape]), [...onnxDims], perChannel)));
    }
  });
});

describe('batch norm folded into the kernel', () => {
  // Conv2D [2, 2, 3, 4]; per-channel BN scales of both signs and very different sizes.
  const shape = [2, 2, 3, 4];
  const kernel = normal(48, 11);
  const scale = Float64Array.of(2.5, -0.75, 0.01, -13);
  const oihw = convKernelToOihw(kernel, shape);
  const foldedOihw = foldAffine(oihw, undefined, { scale, shift: new Float64Array(4) }).weight;
  const dims = [4, 3, 2, 2];

  it('per channel, quantization commutes with the BN scale: FQ(s * W) = s * FQ(W) up to float32 rounding', () => {
    const quantizedFolded = exportedDequantized(foldedOihw, dims, true);
    const scaledQuantized = Float32Array.from(exportedDequantized(oihw, dims, true), (v, k) => v * scale[Math.floor(k / 12)]!);
    for (let k = 0; k < 48; k++) {
      const c = Math.floor(k / 12);
      // One float32 rounding of each side; a grid step is absmax / 127, far larger.
      expect(Math.abs(quantizedFolded[k]! - scaledQuantized[k]!)).toBeLessThanOrEqual(4e-7 * Math.abs(scale[c]!) * Math.max(...Array.from(oihw.subarray(c * 12, (c + 1) * 12), Math.abs)));
    }
  });

  it('per tensor it does not commute: quantizing the unfolded kernel is off by whole grid steps', () => {
    const quantizedFolded = exportedDequantized(foldedOihw, dims, false);
    const scaledQuantized = Float32Array.from(exportedDequantized(oihw, dims, false), (v, k) => v * scale[Math.floor(k / 12)]!);
    const step = symmetricWeightParams(foldedOihw, dims, undefined)[0]!.scale;
    const worst = Math.max(...Array.from(quantizedFolded, (v, k) => Math.abs(v - scaledQuantized[k]!)));
    expect(worst).toBeGreaterThan(step / 4);
  });

  it.each(['per-channel', 'per-tensor'] as const)('%s: kernel x BN scale equals the exported folded int8 weight, dequantized', (granularity) => {
    const fq = fakeQuantizeKernel(kernel, 4, [scale], granularity);
    const reconstructed = Float32Array.from(convKernelToOihw(fq, shape), (v, k) => v * scale[Math.floor(k / 12)]!);
    const exported = exportedDequantized(foldedOihw, dims, granularity === 'per-channel');
    for (let k = 0; k < 48; k++) expect(Math.abs(reconstructed[k]! - exported[k]!)).toBeLessThanOrEqual(2e-7 * Math.max(Math.abs(exported[k]!), 1e-6));
  });

  it('keeps the raw weights of a channel whose BN scale is 0', () => {
    const fq = fakeQuantizeKernel(Float32Array.of(0.5, -1, 0.25, 2), 2, [Float64Array.of(0, 1)], 'per-channel');
    // Channel 1 (-1, 2): scale 2 / 127, -1 -> -63.5 -> -64 (half to even).
    expect(Array.from(fq)).toEqual([0.5, dequantizeValue(-64, { scale: Math.fround(2 / 127), zeroPoint: 0 }), 0.25, dequantizeValue(127, { scale: Math.fround(2 / 127), zeroPoint: 0 })]);
  });
});
