// Static int8 QDQ on a tiny conv net: where Q/DQ go, exact int8/int32 values, variants, layers kept float, and the errors.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, WhittleError } from '@whittle/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectMinMax, type CalibrationFeed } from '../calibrate/collect-min-max.ts';
import type { OnnxModel, OnnxTensor } from '../onnx/onnx-model.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import { checkWithOnnxChecker, convPoolDenseModel, maxAbsDiff, randomData, runOnnx } from '../testing/onnx-test-utils.ts';
import { activationParams, symmetricWeightParams } from './math/quant-params.ts';
import { quantizeBias, quantizeWeights } from './math/quantize-values.ts';
import { planQdq } from './qdq-plan.ts';
import { quantizeStatic } from './quantize-static.ts';
import { DEFAULT_STATIC_QUANTIZE_CONFIG, resolveStaticQuantizeConfig, type StaticQuantizeConfig } from './static-quantize-config.ts';
import type { TensorRanges } from './tensor-ranges.ts';

const SHAPE = [6, 5, 2];
const STRIDE = SHAPE.reduce((a, b) => a * b, 1);
const CALIBRATION = randomData(16 * STRIDE, 11);
let fp32: OnnxModel;
let ranges: TensorRanges;

function* feeds(count = 16): Generator<CalibrationFeed> {
  for (let i = 0; i < count; i++) yield { input_values: { data: CALIBRATION.slice(i * STRIDE, (i + 1) * STRIDE), dims: [1, ...SHAPE] } };
}

beforeAll(async () => {
  // Channels-last input with 2 channels: the exporter adds a Transpose before the Conv (a data-movement op).
  fp32 = await convPoolDenseModel(12);
  ranges = await collectMinMax(fp32, feeds(), {});
});

describe('planQdq + collectMinMax', () => {
  it('calibrates the graph input, the post-ReLU conv output and the pool; data-movement outputs share params', () => {
    const plan = planQdq(fp32.graph);
    expect(plan.calibrated).toEqual(['input_values', 'conv_relu', 'pool']);
    expect(Object.fromEntries(plan.paramsOf)).toEqual({ input_values: 'input_values', conv_nchw: 'input_values', conv_relu: 'conv_relu', pool: 'pool', pool_flat: 'pool' });
    expect([...plan.weights]).toEqual([['conv_weight', 0], ['fc_weight', 0]]);
    expect(plan.quantizable).toEqual(['conv', 'pool', 'fc']);
    expect(plan.quantized).toEqual(['conv', 'pool', 'fc']);
    expect(Object.fromEntries(plan.biases)).toEqual({ conv_bias: { input: 'conv_nchw', weight: 'conv_weight' }, fc_bias: { input: 'pool_flat', weight: 'fc_weight' } });
  });

  it('records exact min/max over every feed; ReLU outputs start at 0', () => {
    expect(ranges.samples).toBe(16);
    expect(ranges.tensors['input_values']).toEqual({ min: Math.min(...CALIBRATION), max: Math.max(...CALIBRATION) });
    expect(ranges.tensors['conv_relu']?.min).toBe(0);
    expect(ranges.tensors['conv_relu']!.max).toBeGreaterThan(0);
    expect(ranges.tensors['pool']!.max).toBeLessThanOrEqual(ranges.tensors['conv_relu']!.max);
  });

  it('gives the same ranges whether feeds run one at a time or batched', async () => {
    expect(await collectMinMax(fp32, feeds(), { batchSize: 1 })).toEqual(ranges);
  });

  it('rejects feeds for the wrong inputs, and no feeds at all', async () => {
    await expect(collectMinMax(fp32, [{ x: { data: new Float32Array(STRIDE), dims: [1, ...SHAPE] } }], {})).rejects.toThrow("Calibration feed has inputs [x]; the model expects [input_values]");
    await expect(collectMinMax(fp32, [], {})).rejects.toThrow('collectMinMax received no calibration feeds');
  });
});

describe('quantizeStatic QDQ structure', () => {
  let int8: OnnxModel;
  let producer: (tensor: string) => { opType: string; inputs: readonly string[]; attributes: readonly unknown[] } | undefined;
  let init: (name: string) => OnnxTensor | undefined;

  beforeAll(() => {
    int8 = quantizeStatic(fp32, ranges, DEFAULT_STATIC_QUANTIZE_CONFIG);
    producer = (t) => int8.graph.nodes.find((n) => n.outputs.includes(t));
    init = (name) => int8.graph.initializers.find((i) => i.name === name);
  });

  it('puts Q -> DQ on the input, after the Transpose, after the ReLU and after the pool; logits stay float', () => {
    expect(int8.graph.nodes.filter((n) => n.domain === '' && !['QuantizeLinear', 'DequantizeLinear', 'Mul'].includes(n.opType)).map((n) => n.opType)).toEqual(['Transpose', 'Conv', 'Relu', 'GlobalAveragePool', 'Flatten', 'Gemm']);
    expect(int8.graph.nodes.filter((n) => n.opType === 'QuantizeLinear')).toHaveLength(5);
    const gemm = int8.graph.nodes.at(-1)!;
    expect(gemm.opType).toBe('Gemm');
    expect(gemm.outputs).toEqual(['logits']);
    expect(int8.graph.outputs).toEqual(fp32.graph.outputs);
    expect(int8.graph.inputs).toEqual(fp32.graph.inputs);
    // Every Conv/Gemm input is a DequantizeLinear output.
    for (const node of int8.graph.nodes.filter((n) => n.opType === 'Conv' || n.opType === 'Gemm')) {
      for (const input of node.inputs) expect(producer(input)?.opType).toBe('DequantizeLinear');
    }
  });

  it('stores weights as per-channel symmetric int8 (axis 0) exactly as the math module computes them', () => {
    const fpWeight = fp32.graph.initializers.find((t) => t.name === 'conv_weight') as Extract<OnnxTensor, { dataType: 'float32' }>;
    const params = symmetricWeightParams(fpWeight.data, fpWeight.dims, 0);
    const conv = int8.graph.nodes.find((n) => n.opType === 'Conv')!;
    const dq = producer(conv.inputs[1]!)!;
    expect(dq.attributes).toEqual([{ name: 'axis', type: 'int', value: 0 }]);
    const q = init(dq.inputs[0]!)!;
    expect(q.dataType).toBe('int8');
    expect(q.dims).toEqual([4, 2, 3, 3]);
    expect(Array.from(q.data as Int8Array)).toEqual(Array.from(quantizeWeights(fpWeight.data, fpWeight.dims, 0, params)));
    expect(Array.from(init(dq.inputs[1]!)!.data as Float32Array)).toEqual(params.map((p) => p.scale));
    // No float weights remain.
    expect(int8.graph.initializers.filter((t) => t.dataType === 'float32' && t.dims.length > 1)).toEqual([]);
  });

  it('stores biases as int32 at scale input_scale x weight_scale, dequantized with that product', () => {
    const fpBias = fp32.graph.initializers.find((t) => t.name === 'conv_bias') as Extract<OnnxTensor, { dataType: 'float32' }>;
    const fpWeight = fp32.graph.initializers.find((t) => t.name === 'conv_weight') as Extract<OnnxTensor, { dataType: 'float32' }>;
    const inputScale = activationParams(ranges.tensors['input_values']!, 'int8', false).scale;
    const scales = symmetricWeightParams(fpWeight.data, fpWeight.dims, 0).map((p) => Math.fround(inputScale * p.scale));
    const conv = int8.graph.nodes.find((n) => n.opType === 'Conv')!;
    const dq = producer(conv.inputs[2]!)!;
    const q = init(dq.inputs[0]!)!;
    expect(q.dataType).toBe('int32');
    expect(Array.from(q.data as Int32Array)).toEqual(Array.from(quantizeBias(fpBias.data, scales)));
    const mul = producer(dq.inputs[1]!)!;
    expect(mul.opType).toBe('Mul');
    expect((init(mul.inputs[0]!)!.data as Float32Array)[0]).toBe(inputScale);
  });

  it('computes what fp32 computes, to within the quantization noise', async () => {
    const x = randomData(8 * STRIDE, 13);
    const expected = await runOnnx(fp32, x, [8, ...SHAPE]);
    const actual = await runOnnx(int8, x, [8, ...SHAPE]);
    const scale = Math.max(...expected.map(Math.abs));
    expect(maxAbsDiff(actual, expected) / scale).toBeLessThan(0.05);
  });

  it('leaves its input model untouched and records how it quantized', () => {
    expect(fp32.graph.nodes.some((n) => n.opType === 'QuantizeLinear')).toBe(false);
    expect(int8.metadata['whittle_quantization']).toBe('static int8 per-channel weights, asymmetric int8 activations, minmax on 16 samples');
  });
});

describe.each<[string, StaticQuantizeConfig]>([
  ['per-tensor weights', resolveStaticQuantizeConfig({ weights: { granularity: 'per-tensor' } })],
  ['uint8 activations', resolveStaticQuantizeConfig({ activations: { type: 'uint8' } })],
  ['symmetric int8 activations', resolveStaticQuantizeConfig({ activations: { symmetric: true } })],
])('quantizeStatic variant: %s', (_name, config) => {
  it('runs on onnxruntime and stays close to fp32', async () => {
    const int8 = quantizeStatic(fp32, ranges, config);
    const x = randomData(4 * STRIDE, 14);
    const expected = await runOnnx(fp32, x, [4, ...SHAPE]);
    const actual = await runOnnx(int8, x, [4, ...SHAPE]);
    expect(maxAbsDiff(actual, expected) / Math.max(...expected.map(Math.abs))).toBeLessThan(0.06);
    const zeroPoints = int8.graph.initializers.filter((t) => t.dims.length === 0 && t.dataType !== 'float32');
    expect(new Set(zeroPoints.map((t) => t.dataType))).toEqual(new Set([config.activations.type]));
  });
});

describe('quantizeStatic keepFloat', () => {
  const weightType = (model: OnnxModel, node: string): string | undefined => {
    const n = model.graph.nodes.find((x) => x.name === node)!;
    const direct = model.graph.initializers.find((t) => t.name === n.inputs[1]);
    if (direct !== undefined) return direct.dataType;
    const dq = model.graph.nodes.find((x) => x.outputs.includes(n.inputs[1]!))!;
    return model.graph.initializers.find((t) => t.name === dq.inputs[0])?.dataType;
  };

  it('plans no Q/DQ of its own for a kept node; its output stays quantized because the pool still reads it', () => {
    const plan = planQdq(fp32.graph, { keepFloat: ['conv'] });
    expect(plan.quantized).toEqual(['pool', 'fc']);
    expect(plan.calibrated).toEqual(['conv_relu', 'pool']);
    expect([...plan.weights.keys()]).toEqual(['fc_weight']);
    expect([...plan.biases.keys()]).toEqual(['fc_bias']);
  });

  it('keeps that layer float32 and the rest int8; onnx.checker accepts it and it stays close to fp32', async () => {
    const mixed = quantizeStatic(fp32, ranges, DEFAULT_STATIC_QUANTIZE_CONFIG, { keepFloat: ['conv'] });
    expect(weightType(mixed, 'conv')).toBe('float32');
    expect(weightType(mixed, 'fc')).toBe('int8');
    const conv = mixed.graph.nodes.find((n) => n.name === 'conv')!;
    // Its input is not quantized (nothing else reads it) and its weight/bias are the fp32 initializers.
    expect(mixed.graph.nodes.find((n) => n.outputs.includes(conv.inputs[0]!))?.opType).toBe('Transpose');
    const fpWeight = fp32.graph.initializers.find((t) => t.name === 'conv_weight')!;
    expect(mixed.graph.initializers.find((t) => t.name === conv.inputs[1])?.data).toEqual(fpWeight.data);
    // After the ReLU, the pool and the Flatten (which shares the pool's params); not on the input or after the Transpose.
    expect(mixed.graph.nodes.filter((n) => n.opType === 'QuantizeLinear')).toHaveLength(3);
    expect(mixed.metadata['whittle_quantization']).toBe('static int8 per-channel weights, asymmetric int8 activations, minmax on 16 samples; kept float: conv');

    const x = randomData(8 * STRIDE, 13);
    const expected = await runOnnx(fp32, x, [8, ...SHAPE]);
    const full = maxAbsDiff(await runOnnx(quantizeStatic(fp32, ranges, DEFAULT_STATIC_QUANTIZE_CONFIG), x, [8, ...SHAPE]), expected);
    const partial = maxAbsDiff(await runOnnx(mixed, x, [8, ...SHAPE]), expected);
    expect(partial / Math.max(...expected.map(Math.abs))).toBeLessThan(0.05);
    expect(partial).toBeLessThan(full);

    const dir = await mkdtemp(join(tmpdir(), 'whittle-keep-float-'));
    try {
      const file = join(dir, 'mixed.onnx');
      await writeFile(file, encodeOnnxModel(mixed));
      expect(() => checkWithOnnxChecker(file)).not.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeping every layer float leaves no Q/DQ and computes exactly what fp32 computes', async () => {
    const none = quantizeStatic(fp32, ranges, DEFAULT_STATIC_QUANTIZE_CONFIG, { keepFloat: ['conv', 'pool', 'fc'] });
    expect(none.graph.nodes.map((n) => n.opType)).toEqual(fp32.graph.nodes.map((n) => n.opType));
    const x = randomData(4 * STRIDE, 15);
    expect(await runOnnx(none, x, [4, ...SHAPE])).toEqual(await runOnnx(fp32, x, [4, ...SHAPE]));
  });

  it('a weightless node whose neighbours are quantized changes nothing but the metadata', () => {
    const strip = (m: OnnxModel) => encodeOnnxModel({ ...m, metadata: {} });
    const pool = quantizeStatic(fp32, ranges, DEFAULT_STATIC_QUANTIZE_CONFIG, { keepFloat: ['pool'] });
    expect(strip(pool)).toEqual(strip(quantizeStatic(fp32, ranges, DEFAULT_STATIC_QUANTIZE_CONFIG)));
    expect(pool.metadata['whittle_quantization']).toMatch(/; kept float: pool$/);
  });

  it('names unknown layers and lists the quantizable ones', () => {
    const call = () => quantizeStatic(fp32, ranges, DEFAULT_STATIC_QUANTIZE_CONFIG, { keepFloat: ['conv', 'conv_relu', 'nope'] });
    expect(call).toThrow(WhittleError);
    expect(call).toThrow("keepFloat names 'conv_relu', 'nope', which are not quantizable nodes. Quantizable: conv, pool, fc");
  });
});

describe('quantizeStatic errors and config', () => {
  it('names a tensor the ranges do not cover', () => {
    const partial: TensorRanges = { ...ranges, tensors: { input_values: ranges.tensors['input_values']! } };
    const call = () => quantizeStatic(fp32, partial, DEFAULT_STATIC_QUANTIZE_CONFIG);
    expect(call).toThrow(WhittleError);
    expect(call).toThrow("TensorRanges has no range for tensor 'conv_relu'");
  });

  it('validates the config, naming the field, the allowed values and what was passed', () => {
    expect(() => resolveStaticQuantizeConfig({ activations: { type: 'int4' as 'int8' } })).toThrow(ConfigError);
    expect(() => resolveStaticQuantizeConfig({ activations: { type: 'int4' as 'int8' } })).toThrow(`Quantize config 'activations.type' must be "int8" or "uint8"; got "int4"`);
    expect(() => resolveStaticQuantizeConfig({ calibration: { samples: 0 } })).toThrow("Quantize config 'calibration.samples' must be a positive integer; got 0");
    expect(() => quantizeStatic(fp32, ranges, { ...DEFAULT_STATIC_QUANTIZE_CONFIG, mode: 'dynamic' as 'static' })).toThrow(`Quantize config 'mode' must be "static"; got "dynamic"`);
  });

  it('has a frozen default: per-channel symmetric int8 weights, asymmetric int8 activations, minmax on 512 samples', () => {
    expect(Object.isFrozen(DEFAULT_STATIC_QUANTIZE_CONFIG)).toBe(true);
    expect(resolveStaticQuantizeConfig()).toEqual({
      mode: 'static',
      weights: { type: 'int8', granularity: 'per-channel', symmetric: true },
      activations: { type: 'int8', symmetric: false },
      calibration: { method: 'minmax', samples: 512 },
    });
  });
});
