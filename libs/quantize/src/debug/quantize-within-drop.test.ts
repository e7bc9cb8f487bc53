// Accuracy-aware fallback with a fake, deterministic evaluate: where it stops, what it records, and its errors.
import { WhittleError } from '@whittle/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { DEFAULT_STATIC_QUANTIZE_CONFIG } from '../quantize/static-quantize-config.ts';
import type { TensorRanges } from '../quantize/tensor-ranges.ts';
import { quantizeWithinDrop, type FallbackStep } from './quantize-within-drop.ts';
import { tinyConvNet } from './testing/tiny-conv-net.ts';

const config = DEFAULT_STATIC_QUANTIZE_CONFIG;
let fp32: OnnxModel;
let ranges: TensorRanges;

beforeAll(async () => {
  ({ fp32, ranges } = await tinyConvNet());
});

/** Which layers of `model` run quantized, read off the graph: Conv/Gemm by their weight, the pool by a quantized output. */
function quantizedLayers(model: OnnxModel): string[] {
  const producer = (t: string) => model.graph.nodes.find((n) => n.outputs.includes(t));
  return model.graph.nodes
    .filter((n) => (n.opType === 'Conv' || n.opType === 'Gemm' ? producer(n.inputs[1]!)?.opType === 'DequantizeLinear' : n.opType === 'GlobalAveragePool' && model.graph.nodes.some((m) => m.opType === 'QuantizeLinear' && m.inputs[0] === n.outputs[0])))
    .map((n) => n.name);
}

/** fp32 scores 0.9; each quantized layer costs a fixed number of points. */
const COST: Record<string, number> = { conv1: 5, conv2: 0.2, pool: 3, fc: 1 };
function fakeEvaluate(calls: string[][]): (model: OnnxModel) => Promise<number> {
  return async (model) => {
    const layers = quantizedLayers(model);
    calls.push(layers);
    return 0.9 - layers.reduce((sum, l) => sum + (COST[l] ?? 0), 0) / 100;
  };
}

describe('quantizeWithinDrop', () => {
  it('keeps the most sensitive layers float until the drop is within the bound, skipping evaluation of unchanged graphs', async () => {
    const calls: string[][] = [];
    const seen: FallbackStep[] = [];
    const result = await quantizeWithinDrop(fp32, ranges, config, { maxDrop: 2, evaluate: fakeEvaluate(calls), order: ['conv1', 'pool', 'fc', 'conv2'], onStep: (s) => seen.push(s) });
    expect(result.steps.map((s) => s.keptFloat)).toEqual([[], ['conv1'], ['conv1', 'pool'], ['conv1', 'pool', 'fc']]);
    // Keeping the pool float while conv2 and fc stay quantized leaves its Q/DQ in place: same graph, not re-evaluated.
    expect(result.steps.map((s) => s.evaluated)).toEqual([true, true, false, true]);
    const drops = result.steps.map((s) => s.drop);
    [9.2, 4.2, 4.2, 0.2].forEach((d, i) => expect(drops[i]).toBeCloseTo(d, 9));
    expect(calls).toEqual([[], ['conv1', 'conv2', 'pool', 'fc'], ['conv2', 'pool', 'fc'], ['conv2']]);
    expect(seen).toEqual(result.steps);
    expect(result.keptFloat).toEqual(['conv1', 'pool', 'fc']);
    expect(result.baselineAccuracy).toBe(0.9);
    expect(result.accuracy).toBeCloseTo(0.898, 12);
    expect(result.drop).toBeCloseTo(0.2, 9);
    expect(result.withinBound).toBe(true);
    expect(quantizedLayers(result.model)).toEqual(['conv2']);
    expect(result.model.metadata['whittle_quantization']).toMatch(/; kept float: conv1, pool, fc$/);
  });

  it('stops at once when the fully quantized model is already within the bound', async () => {
    const result = await quantizeWithinDrop(fp32, ranges, config, { maxDrop: 10, evaluate: fakeEvaluate([]), order: ['conv1'] });
    expect(result.steps).toHaveLength(1);
    expect(result.keptFloat).toEqual([]);
    expect(result.withinBound).toBe(true);
  });

  it('without a bound, quantizes once and reports the drop', async () => {
    const calls: string[][] = [];
    const result = await quantizeWithinDrop(fp32, ranges, config, { evaluate: fakeEvaluate(calls), order: ['conv1', 'fc'] });
    expect(calls).toHaveLength(2);
    expect(result.steps).toHaveLength(1);
    expect(result.drop).toBeCloseTo(9.2, 9);
    expect(result.withinBound).toBe(true);
    expect(quantizedLayers(result.model)).toEqual(['conv1', 'conv2', 'pool', 'fc']);
  });

  it('returns withinBound false, not an error, when the order runs out', async () => {
    const result = await quantizeWithinDrop(fp32, ranges, config, { maxDrop: 0.1, evaluate: fakeEvaluate([]), order: ['fc'] });
    expect(result.keptFloat).toEqual(['fc']);
    expect(result.steps).toHaveLength(2);
    // Only fc's 1 point comes back: the pool still quantizes its own output.
    expect(result.drop).toBeCloseTo(8.2, 9);
    expect(result.withinBound).toBe(false);
    // With every layer in the order float, the model is fp32 again and the drop is 0.
    const all = await quantizeWithinDrop(fp32, ranges, config, { maxDrop: 0, evaluate: fakeEvaluate([]), order: ['conv1', 'conv2', 'pool', 'fc'] });
    expect(all.withinBound).toBe(true);
    expect(all.drop).toBe(0);
    expect(all.model.graph.nodes.filter((n) => n.opType === 'QuantizeLinear')).toEqual([]);
  });

  it('rejects unknown or repeated layers, a negative bound and a percent-valued accuracy', async () => {
    const evaluate = fakeEvaluate([]);
    await expect(quantizeWithinDrop(fp32, ranges, config, { maxDrop: 1, evaluate, order: ['conv1', 'conv1_relu'] })).rejects.toThrow(
      "Option 'order' of 'quantizeWithinDrop' names 'conv1_relu', not quantizable nodes. Quantizable: conv1, conv2, pool, fc",
    );
    await expect(quantizeWithinDrop(fp32, ranges, config, { maxDrop: 1, evaluate, order: ['fc', 'fc'] })).rejects.toThrow("Option 'order' of 'quantizeWithinDrop' repeats 'fc'");
    await expect(quantizeWithinDrop(fp32, ranges, config, { maxDrop: -1, evaluate, order: [] })).rejects.toThrow("Option 'maxDrop' of 'quantizeWithinDrop' must be a finite number of accuracy points >= 0; got -1");
    const percent = quantizeWithinDrop(fp32, ranges, config, { maxDrop: 1, evaluate: async () => 93, order: [] });
    await expect(percent).rejects.toThrow(WhittleError);
    await expect(quantizeWithinDrop(fp32, ranges, config, { maxDrop: 1, evaluate: async () => 93, order: [] })).rejects.toThrow("must return an accuracy in [0, 1]; got 93 for the fp32 model");
  });
});
