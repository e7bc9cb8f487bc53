// The per-layer report on a tiny conv net (values checked against the math modules, a sabotaged range ranked first) and on DS-CNN-S.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDsCnn, DS_CNN_S } from '@whittle/distill';
import { collectMinMax } from '../calibrate/collect-min-max.ts';
import { DEFAULT_EXPORT_CONFIG } from '../export/export-config.ts';
import { exportLayersModel } from '../export/export-layers-model.ts';
import type { OnnxModel, OnnxTensor } from '../onnx/onnx-model.ts';
import { activationParams, symmetricWeightParams } from '../quantize/math/quant-params.ts';
import { planQdq } from '../quantize/qdq-plan.ts';
import { quantizeStatic } from '../quantize/quantize-static.ts';
import { DEFAULT_STATIC_QUANTIZE_CONFIG } from '../quantize/static-quantize-config.ts';
import type { TensorRanges } from '../quantize/tensor-ranges.ts';
import { perturbBatchNorms, randomData, runOnnx } from '../testing/onnx-test-utils.ts';
import { errorStats } from './error-stats.ts';
import { layerQuantizationReport, type LayerReport } from './layer-quantization-report.ts';
import { TINY_SHAPE, tinyConvNet, tinyFeeds } from './testing/tiny-conv-net.ts';

const config = DEFAULT_STATIC_QUANTIZE_CONFIG;
let fp32: OnnxModel;
let ranges: TensorRanges;
let report: LayerReport;
const EVAL = tinyFeeds(24, 33);

beforeAll(async () => {
  ({ fp32, ranges } = await tinyConvNet());
  report = await layerQuantizationReport(fp32, quantizeStatic(fp32, ranges, config), EVAL, { ranges, config, batchSize: 10 });
});

describe('layerQuantizationReport on a tiny conv net', () => {
  it('has one row per quantized compute node, comparing the post-ReLU tensors and the logits', () => {
    expect(report.samples).toBe(24);
    expect(report.layers.map((l) => l.node).sort()).toEqual(['conv1', 'conv2', 'fc', 'pool']);
    const byNode = Object.fromEntries(report.layers.map((l) => [l.node, l]));
    expect(byNode['conv1']?.tensor).toBe('conv1_relu');
    expect(byNode['conv2']?.tensor).toBe('conv2_relu');
    expect(byNode['fc']?.tensor).toBe('logits');
    expect(byNode['pool']?.opType).toBe('GlobalAveragePool');
    // The fc row compares the logits, which is the whole model's output.
    expect(byNode['fc']?.accumulated).toEqual(report.output);
    // Sorted worst isolated SNR first.
    const snrs = report.layers.map((l) => l.isolated.snrDb);
    expect(snrs).toEqual([...snrs].sort((a, b) => a - b));
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('reads weight ranges, per-channel scales and activation params that match the math modules', () => {
    const conv2 = report.layers.find((l) => l.node === 'conv2')!;
    const w = fp32.graph.initializers.find((t) => t.name === 'conv2_weight') as Extract<OnnxTensor, { dataType: 'float32' }>;
    const scales = symmetricWeightParams(w.data, w.dims, 0).map((p) => Math.fround(p.scale));
    expect(conv2.weight).toEqual({ min: Math.min(...w.data), max: Math.max(...w.data), scaleMin: Math.min(...scales), scaleMax: Math.max(...scales), channels: 6 });
    const inParams = activationParams(ranges.tensors['conv1_relu']!, 'int8', false);
    const outParams = activationParams(ranges.tensors['conv2_relu']!, 'int8', false);
    expect(conv2.inputs).toEqual([{ scale: Math.fround(inParams.scale), zeroPoint: inParams.zeroPoint }]);
    expect(conv2.output).toEqual({ scale: Math.fround(outParams.scale), zeroPoint: outParams.zeroPoint });
    expect(conv2.output?.zeroPoint).toBe(-128);
    expect(report.layers.find((l) => l.node === 'fc')!.output).toBeNull();
    expect(report.layers.find((l) => l.node === 'pool')!.weight).toBeNull();
  });

  it('agrees with a direct comparison of the two models, and per-layer numbers are sane', async () => {
    const x = new Float32Array(EVAL.flatMap((f) => Array.from(f['input_values']!.data)));
    const expected = await runOnnx(fp32, x, [24, ...TINY_SHAPE]);
    const actual = await runOnnx(quantizeStatic(fp32, ranges, config), x, [24, ...TINY_SHAPE]);
    const direct = errorStats(expected, actual);
    expect(report.output.snrDb).toBeCloseTo(direct.snrDb, 6);
    expect(report.output.mse).toBeCloseTo(direct.mse, 9);
    for (const l of report.layers) {
      // int8 with honest ranges on a tiny net: well above 20 dB, cosine near 1, and a single layer hurts less than all of them.
      expect(l.accumulated.snrDb).toBeGreaterThan(20);
      expect(l.accumulated.cosine).toBeGreaterThan(0.99);
      expect(l.isolated.snrDb).toBeGreaterThan(report.output.snrDb - 0.5);
    }
  });

  it('ranks first the layer whose input range was sabotaged', async () => {
    // Only conv1 quantizes the graph input: a 1000x too wide range leaves it ~2 levels for the real values.
    const input = ranges.tensors['input_values']!;
    const bad: TensorRanges = { ...ranges, tensors: { ...ranges.tensors, input_values: { min: input.min, max: input.max * 1000 } } };
    const sabotaged = await layerQuantizationReport(fp32, quantizeStatic(fp32, bad, config), EVAL, { ranges: bad, config });
    const [first, second] = sabotaged.layers;
    expect(first?.node).toBe('conv1');
    expect(first!.isolated.snrDb).toBeLessThan(second!.isolated.snrDb - 10);
    expect(first!.isolated.snrDb).toBeLessThan(10);
    // Every other layer's isolated SNR is what it was with honest ranges (their tensors are untouched).
    for (const l of sabotaged.layers.slice(1)) expect(l.isolated.snrDb).toBeCloseTo(report.layers.find((r) => r.node === l.node)!.isolated.snrDb, 6);
  });

  it('leaves out layers kept float, and names a model that does not match', async () => {
    const mixed = quantizeStatic(fp32, ranges, config, { keepFloat: ['conv2', 'pool'] });
    const partial = await layerQuantizationReport(fp32, mixed, EVAL.slice(0, 4), { ranges, config });
    // The pool's output is still quantized (fc reads it) but its input is not (nothing quantized reads it): not a quantized node.
    expect(partial.layers.map((l) => l.node).sort()).toEqual(['conv1', 'fc']);
    // Only the pool kept float changes nothing (its neighbours still quantize both sides), so it is still reported.
    const poolOnly = await layerQuantizationReport(fp32, quantizeStatic(fp32, ranges, config, { keepFloat: ['pool'] }), EVAL.slice(0, 4), { ranges, config });
    expect(poolOnly.layers).toHaveLength(4);
    const renamed: OnnxModel = { ...mixed, graph: { ...mixed.graph, nodes: mixed.graph.nodes.map((n) => (n.name === 'conv2' ? { ...n, name: 'other' } : n)) } };
    await expect(layerQuantizationReport(fp32, renamed, EVAL.slice(0, 4), { ranges, config })).rejects.toThrow("The quantized model has no Conv node named 'conv2' matching the fp32 one");
    await expect(layerQuantizationReport(fp32, mixed, [], { ranges, config })).rejects.toThrow("'layerQuantizationReport' received no feeds");
  });
});

describe('layerQuantizationReport on DS-CNN-S', () => {
  it('has one row per quantized compute node with finite numbers', async () => {
    await tf.setBackend('cpu');
    const { inputFrames: frames, inputBins: bins } = DS_CNN_S;
    const model = buildDsCnn(DS_CNN_S, 5);
    perturbBatchNorms(model, 6);
    const ds = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
    model.dispose();
    const data = randomData(32 * frames * bins, 41);
    const feeds = Array.from({ length: 32 }, (_, i) => ({ input_values: { data: data.slice(i * frames * bins, (i + 1) * frames * bins), dims: [1, frames, bins] } }));
    const dsRanges = await collectMinMax(ds, feeds.slice(0, 16), {});
    const dsReport = await layerQuantizationReport(ds, quantizeStatic(ds, dsRanges, config), feeds.slice(16), { ranges: dsRanges, config });
    expect(dsReport.layers.map((l) => l.node).sort()).toEqual([...planQdq(ds.graph).quantizable].sort());
    expect(dsReport.layers).toHaveLength(11);
    for (const l of dsReport.layers) {
      for (const s of [l.accumulated, l.isolated]) {
        expect(Number.isFinite(s.snrDb) && Number.isFinite(s.cosine) && Number.isFinite(s.mse)).toBe(true);
        expect(s.snrDb).toBeGreaterThan(5);
      }
      if (l.opType === 'Conv' || l.opType === 'Gemm') expect(l.weight!.scaleMin).toBeGreaterThan(0);
    }
    expect(dsReport.samples).toBe(16);
  });
});
