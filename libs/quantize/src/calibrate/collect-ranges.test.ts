// collectRanges on a tiny exported conv net, for every calibration method: nesting, exact input quantiles, errors.
import { ConfigError, UnsupportedError } from '@whittle/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { quantizeStatic } from '../quantize/quantize-static.ts';
import { resolveStaticQuantizeConfig } from '../quantize/static-quantize-config.ts';
import type { TensorRanges } from '../quantize/tensor-ranges.ts';
import { CALIBRATORS, getCalibrator } from '../registry.ts';
import { convPoolDenseModel, randomData, runOnnx } from '../testing/onnx-test-utils.ts';
import { collectMinMax } from './collect-min-max.ts';
import { collectRanges } from './collect-ranges.ts';
import type { CalibrationFeed } from './run-calibration.ts';

const SHAPE = [6, 5, 2];
const STRIDE = SHAPE.reduce((a, b) => a * b, 1);
const COUNT = 64;
const CALIBRATION = randomData(COUNT * STRIDE, 31);
let fp32: OnnxModel;
let minmax: TensorRanges;

function* feeds(count = COUNT): Generator<CalibrationFeed> {
  for (let i = 0; i < count; i++) yield { input_values: { data: CALIBRATION.slice(i * STRIDE, (i + 1) * STRIDE), dims: [1, ...SHAPE] } };
}

/** The q-quantile of `values` by sorting (linear interpolation between order statistics). */
function exactQuantile(values: Float32Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  return sorted[lo]! + (at - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!);
}

beforeAll(async () => {
  fp32 = await convPoolDenseModel(32);
  minmax = await collectMinMax(fp32, feeds(), {});
});

describe('collectRanges', () => {
  it('with minmax gives exactly what collectMinMax gives (no parameters)', async () => {
    expect(await collectRanges(fp32, feeds(), { method: 'minmax' })).toEqual(minmax);
    expect(Object.keys(minmax.tensors)).toEqual(['input_values', 'conv_relu', 'pool']);
  });

  describe.each([
    { calibration: { method: 'percentile', percentile: 99 } as const, parameters: { percentile: 99 } },
    { calibration: { method: 'entropy' } as const, parameters: { bins: 2048, targetBins: 128 } },
    { calibration: { method: 'entropy', bins: 256, targetBins: 16 } as const, parameters: { bins: 256, targetBins: 16 } },
  ])('$calibration.method $parameters', ({ calibration, parameters }) => {
    let ranges: TensorRanges;
    beforeAll(async () => {
      ranges = await collectRanges(fp32, feeds(), calibration, { batchSize: 8 });
    });

    it('records the method, its settings and the samples', () => {
      expect(ranges.method).toBe(calibration.method);
      expect(ranges.parameters).toEqual(parameters);
      expect(ranges.samples).toBe(COUNT);
    });

    it('nests every range inside the min/max range; non-negative tensors keep their minimum', () => {
      expect(Object.keys(ranges.tensors)).toEqual(Object.keys(minmax.tensors));
      for (const [name, r] of Object.entries(ranges.tensors)) {
        const m = minmax.tensors[name]!;
        expect(r.min, name).toBeGreaterThanOrEqual(m.min);
        expect(r.max, name).toBeLessThanOrEqual(m.max);
        expect(r.max, name).toBeGreaterThan(r.min);
        if (m.min >= 0) expect(r.min, name).toBe(m.min);
      }
      expect(ranges.tensors['conv_relu']!.min).toBe(0);
    });

    it('gives int8 QDQ that onnxruntime runs, close to fp32', async () => {
      const int8 = quantizeStatic(fp32, ranges, resolveStaticQuantizeConfig({ calibration }));
      const a = await runOnnx(fp32, CALIBRATION, [COUNT, ...SHAPE]);
      const b = await runOnnx(int8, CALIBRATION, [COUNT, ...SHAPE]);
      let err = 0;
      let norm = 0;
      for (let i = 0; i < a.length; i++) {
        err += (a[i]! - b[i]!) ** 2;
        norm += a[i]! ** 2;
      }
      expect(Math.sqrt(err / norm)).toBeLessThan(0.1);
    });
  });

  it('percentile clips the input to its exact quantiles (to within a histogram bin)', async () => {
    const ranges = await collectRanges(fp32, feeds(), { method: 'percentile', percentile: 98 });
    const input = ranges.tensors['input_values']!;
    const m = minmax.tensors['input_values']!;
    const bin = (m.max - m.min) / 2048; // the histogram may use as few as half of its 4096 bins
    expect(Math.abs(input.min - exactQuantile(CALIBRATION, 0.01))).toBeLessThan(bin + 0.01);
    expect(Math.abs(input.max - exactQuantile(CALIBRATION, 0.99))).toBeLessThan(bin + 0.01);
    expect(input.max).toBeLessThan(0.8 * m.max); // +-2.3 sigma against the max of 3840 normal draws
  });

  it('percentile 100 is min/max', async () => {
    expect((await collectRanges(fp32, feeds(), { method: 'percentile', percentile: 100 })).tensors).toEqual(minmax.tensors);
  });

  it('validates the calibration config and names the caller when there are no feeds', async () => {
    await expect(collectRanges(fp32, feeds(), { method: 'mse' as 'minmax' })).rejects.toThrow(ConfigError);
    await expect(collectRanges(fp32, feeds(), { method: 'percentile', percentile: 30 })).rejects.toThrow("Quantize config 'calibration.percentile' must be a number with 50 < percentile <= 100; got 30");
    await expect(collectRanges(fp32, [], { method: 'entropy' })).rejects.toThrow('collectRanges received no calibration feeds');
  });

  it('reports a tensor without finite values', async () => {
    const nan = [{ input_values: { data: new Float32Array(STRIDE).fill(NaN), dims: [1, ...SHAPE] } }];
    await expect(collectRanges(fp32, nan, { method: 'entropy' })).rejects.toThrow("Calibration saw no finite values for tensor 'input_values'");
  });
});

describe('CALIBRATORS registry', () => {
  it('has one calibrator per method, and a miss lists them', () => {
    expect(Object.keys(CALIBRATORS)).toEqual(['minmax', 'percentile', 'entropy']);
    expect(() => getCalibrator('mse')).toThrow(UnsupportedError);
    expect(() => getCalibrator('mse')).toThrow("Unsupported calibration method 'mse'. Supported: minmax, percentile, entropy");
    expect(() => getCalibrator('percentile').observer({ method: 'minmax', samples: 1 })).toThrow("The 'percentile' calibrator was given a 'minmax' calibration config");
  });
});
