// Dynamic int8 on a tiny Dense model, hand-built Gemm/MatMul variants and the real DS-CNN-S: structure, checker, fusion, accuracy bound.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { ConfigError, UnsupportedError } from '@whittle/datasets';
import { buildDsCnn, DS_CNN_S } from '@whittle/distill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatAttr, intAttr } from '../onnx/attribute.ts';
import { compactTensorNames } from '../onnx/compact-tensor-names.ts';
import { DEFAULT_EXPORT_CONFIG } from '../export/export-config.ts';
import { exportLayersModel } from '../export/export-layers-model.ts';
import type { OnnxModel, OnnxNode, OnnxTensor } from '../onnx/onnx-model.ts';
import { decodeOnnxModel } from '../proto/decode-onnx-model.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import { symmetricWeightParams } from '../quantize/math/quant-params.ts';
import { quantizeWeights } from '../quantize/math/quantize-values.ts';
import { roundHalfToEven } from '../quantize/math/round-half-to-even.ts';
import { checkWithOnnxChecker, perturbBatchNorms, randomData, randomizeWeights, runOnnx } from '../testing/onnx-test-utils.ts';
import { DEFAULT_DYNAMIC_QUANTIZE_CONFIG, resolveDynamicQuantizeConfig, type DynamicQuantizeConfig } from './dynamic-quantize-config.ts';
import { quantizeDynamic } from './quantize-dynamic.ts';

type FloatTensor = Extract<OnnxTensor, { dataType: 'float32' }>;
const PER_CHANNEL = DEFAULT_DYNAMIC_QUANTIZE_CONFIG;
const PER_TENSOR = resolveDynamicQuantizeConfig({ weights: { granularity: 'per-tensor' } });
const GRANULARITIES: [string, DynamicQuantizeConfig][] = [['per-channel', PER_CHANNEL], ['per-tensor', PER_TENSOR]];

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'whittle-dynamic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const floatInit = (m: OnnxModel, name: string): FloatTensor => m.graph.initializers.find((t) => t.name === name) as FloatTensor;
const init = (m: OnnxModel, name: string): OnnxTensor | undefined => m.graph.initializers.find((t) => t.name === name);

/** [rows, cols] -> [cols, rows]. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c] as number;
  return out;
}

/** ONNX DynamicQuantizeLinear, written from the spec: uint8, range widened to include 0, round half to even. */
function dynamicQuantizeLinear(x: Float32Array): { q: Uint8Array; scale: number; zeroPoint: number } {
  const min = Math.min(0, ...x);
  const max = Math.max(0, ...x);
  const scale = Math.fround((max - min) / 255);
  const zeroPoint = Math.min(255, Math.max(0, roundHalfToEven(-min / scale)));
  const q = Uint8Array.from(x, (v) => Math.min(255, Math.max(0, roundHalfToEven(Math.fround(v / scale)) + zeroPoint)));
  return { q, scale, zeroPoint };
}

/**
 * What the integer pattern computes for x [m, k] and a float weight w [k, n] (alpha already folded), and the
 * worst-case distance to the fp32 result x @ w, element by element: with x^ = dequantized x (|x^ - x| <= sx/2)
 * and W^ = dequantized w (|W^ - w| <= sw_n/2), |x^ W^ - x w| <= sx/2 * sum_k |w_kn| + sw_n/2 * sum_k |x^_k|,
 * plus float32 summation slack (1e-5 of sum |x||w|) for both runs.
 */
function integerReference(x: Float32Array, w: Float32Array, k: number, n: number, config: DynamicQuantizeConfig, bias?: Float32Array) {
  const m = x.length / k;
  const axis = config.weights.granularity === 'per-channel' ? 1 : undefined;
  const params = symmetricWeightParams(w, [k, n], axis);
  const wq = quantizeWeights(w, [k, n], axis, params);
  const sw = (j: number) => (params[axis === undefined ? 0 : j] as { scale: number }).scale;
  const { q, scale: sx, zeroPoint } = dynamicQuantizeLinear(x);
  const y = new Float32Array(m * n);
  const bound = new Float64Array(m * n);
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      let absW = 0;
      let absXhat = 0;
      let absXW = 0;
      for (let i = 0; i < k; i++) {
        const xi = (q[r * k + i] as number) - zeroPoint;
        acc += xi * (wq[i * n + j] as number);
        absW += Math.abs(w[i * n + j] as number);
        absXhat += Math.abs(xi * sx);
        absXW += Math.abs((x[r * k + i] as number) * (w[i * n + j] as number));
      }
      y[r * n + j] = Math.fround(Math.fround(acc) * Math.fround(sx * sw(j))) + (bias?.[j] ?? 0);
      bound[r * n + j] = (sx / 2) * absW + (sw(j) / 2) * absXhat + 1e-5 * (absXW + Math.abs(bias?.[j] ?? 0));
    }
  }
  return { y, bound, wq, params };
}

/** x @ w + b in float64, the fp32 model's exact value up to its own float32 rounding. */
function floatReference(x: Float32Array, w: Float32Array, k: number, n: number, bias?: Float32Array): Float64Array {
  const m = x.length / k;
  const y = new Float64Array(m * n);
  for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) {
    let s = bias?.[j] ?? 0;
    for (let i = 0; i < k; i++) s += (x[r * k + i] as number) * (w[i * n + j] as number);
    y[r * n + j] = s;
  }
  return y;
}

/** Largest |a - b| / bound; <= 1 means every element is inside its bound. */
function worstRatio(a: ArrayLike<number>, b: ArrayLike<number>, bound: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / (bound[i] as number));
  return worst;
}

/** onnx.checker full_check on the encoded model (through a file, as python reads it). */
async function check(model: OnnxModel, name: string): Promise<void> {
  const file = join(dir, `${name}.onnx`);
  await writeFile(file, encodeOnnxModel(model));
  checkWithOnnxChecker(file);
}

/** Op types of the graph onnxruntime runs after its graph optimizations. */
async function optimizedOps(model: OnnxModel, name: string): Promise<string[]> {
  const file = join(dir, `${name}.optimized.onnx`);
  const session = await ort.InferenceSession.create(encodeOnnxModel(model), { intraOpNumThreads: 1, optimizedModelFilePath: file });
  await session.release();
  return decodeOnnxModel(new Uint8Array(await readFile(file)), file).graph.nodes.map((n) => n.opType);
}

describe('resolveDynamicQuantizeConfig', () => {
  it('defaults to per-channel symmetric int8 weights on Gemm and MatMul, frozen', () => {
    expect(resolveDynamicQuantizeConfig()).toEqual({ mode: 'dynamic', weights: { type: 'int8', granularity: 'per-channel', symmetric: true }, activations: { type: 'uint8' }, ops: ['Gemm', 'MatMul'] });
    expect(Object.isFrozen(DEFAULT_DYNAMIC_QUANTIZE_CONFIG.weights)).toBe(true);
    expect(Object.isFrozen(PER_TENSOR.ops)).toBe(true);
    expect(PER_TENSOR.weights.granularity).toBe('per-tensor');
  });

  it('names the field, the allowed values and what was passed', () => {
    expect(() => resolveDynamicQuantizeConfig({ weights: { granularity: 'per-row' as 'per-tensor' } })).toThrow(`Dynamic quantize config 'weights.granularity' must be "per-channel" or "per-tensor"; got "per-row"`);
    expect(() => resolveDynamicQuantizeConfig({ activations: { type: 'int8' as 'uint8' } })).toThrow(ConfigError);
    expect(() => resolveDynamicQuantizeConfig({ ops: ['Conv' as 'Gemm'] })).toThrow(`Dynamic quantize config 'ops[0]' must be "Gemm" or "MatMul"; got "Conv"`);
    expect(() => resolveDynamicQuantizeConfig({ ops: [] })).toThrow("'ops' must be a non-empty list");
    expect(() => resolveDynamicQuantizeConfig({ ops: ['Gemm', 'Gemm'] })).toThrow("'ops' must not repeat an op");
  });
});

describe('quantizeDynamic on a tiny tfjs Dense model', () => {
  const IN = 16;
  const OUT = 5;
  const BATCH = 8;
  let fp32: OnnxModel;
  let weight: Float32Array; // [IN, OUT], as MatMulInteger reads it
  let bias: Float32Array;

  beforeAll(() => {
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [IN] }), tf.layers.dense({ units: OUT, name: 'fc' })] });
    randomizeWeights(model, 31);
    fp32 = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
    model.dispose();
    const w = floatInit(fp32, 'fc_weight');
    expect(w.dims).toEqual([OUT, IN]); // Gemm transB = 1
    weight = transpose(w.data, OUT, IN);
    bias = floatInit(fp32, 'fc_bias').data;
  });

  describe.each(GRANULARITIES)('%s weights', (granularity, config) => {
    let int8: OnnxModel;
    beforeAll(() => {
      int8 = quantizeDynamic(fp32, config);
    });

    it('replaces the Gemm by DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul -> Add, all in ai.onnx', () => {
      expect(int8.graph.nodes.map((n) => n.opType)).toEqual(['DynamicQuantizeLinear', 'Mul', 'MatMulInteger', 'Cast', 'Mul', 'Add']);
      expect(int8.graph.nodes.every((n) => n.domain === '')).toBe(true);
      expect(int8.opsetImports).toEqual(fp32.opsetImports);
      const [dql, scales, mm, cast, mul, add] = int8.graph.nodes as OnnxNode[];
      expect(mm!.name).toBe('fc');
      expect(dql!.inputs).toEqual(['input_values']);
      // x_q, W_q, x_zp; the weight zero point is left out (0).
      expect(mm!.inputs).toEqual([dql!.outputs[0], mm!.inputs[1], dql!.outputs[2]]);
      expect(scales!.inputs[0]).toBe(dql!.outputs[1]);
      expect(cast!.attributes).toEqual([{ name: 'to', type: 'int', value: 1 }]);
      expect(mul!.inputs).toEqual([cast!.outputs[0], scales!.outputs[0]]);
      expect(add!.outputs).toEqual(['logits']);
      expect(Array.from((init(int8, add!.inputs[1]!) as FloatTensor).data)).toEqual(Array.from(bias));
      expect(int8.graph.inputs).toEqual(fp32.graph.inputs);
      expect(int8.graph.outputs).toEqual(fp32.graph.outputs);
    });

    it('stores the weight as symmetric int8 [in, out] exactly as the math module quantizes it, a quarter of the float bytes', () => {
      const mm = int8.graph.nodes.find((n) => n.opType === 'MatMulInteger')!;
      const scalesNode = int8.graph.nodes.find((n) => n.opType === 'Mul')!;
      const q = init(int8, mm.inputs[1]!)!;
      const axis = granularity === 'per-channel' ? 1 : undefined;
      const params = symmetricWeightParams(weight, [IN, OUT], axis);
      expect(q.dataType).toBe('int8');
      expect(q.dims).toEqual([IN, OUT]);
      expect(Array.from(q.data as Int8Array)).toEqual(Array.from(quantizeWeights(weight, [IN, OUT], axis, params)));
      expect(q.data.byteLength).toBe(floatInit(fp32, 'fc_weight').data.byteLength / 4);
      const scale = init(int8, scalesNode.inputs[1]!) as FloatTensor;
      expect(scale.dims).toEqual(axis === undefined ? [] : [OUT]);
      expect(Array.from(scale.data)).toEqual(params.map((p) => p.scale));
      expect(int8.graph.initializers.filter((t) => t.dataType === 'float32' && t.dims.length > 1)).toEqual([]);
      expect(int8.metadata['whittle_quantization']).toBe(`dynamic int8 ${granularity} weights, uint8 activations quantized at run time, on 1 Gemm node; other ops float`);
    });

    it('passes onnx.checker full_check', async () => {
      await check(int8, `tiny-${granularity}`);
    });

    it('is fused by onnxruntime into DynamicQuantizeMatMul', async () => {
      expect(await optimizedOps(int8, `tiny-${granularity}`)).toEqual(['DynamicQuantizeMatMul']);
    });

    it('computes the integer arithmetic it describes, and stays within the quantization bound of fp32', async () => {
      const x = randomData(BATCH * IN, 32);
      const actual = await runOnnx(int8, x, [BATCH, IN]);
      const ref = integerReference(x, weight, IN, OUT, config, bias);
      // Same integers, same scales: only float32 rounding of the final multiply-add differs.
      const yMax = Math.max(...ref.y.map(Math.abs));
      for (let i = 0; i < actual.length; i++) expect(Math.abs(actual[i]! - ref.y[i]!)).toBeLessThanOrEqual(1e-6 * yMax);
      const expected = await runOnnx(fp32, x, [BATCH, IN]);
      expect(worstRatio(actual, floatReference(x, weight, IN, OUT, bias), ref.bound)).toBeLessThanOrEqual(1);
      expect(worstRatio(expected, floatReference(x, weight, IN, OUT, bias), ref.bound)).toBeLessThanOrEqual(1);
      // The bound is informative, not vacuous: a few percent of the outputs at most.
      expect(Math.max(...ref.bound) / yMax).toBeLessThan(0.05);
    });
  });

  it('leaves its input untouched and is deterministic', () => {
    const before = encodeOnnxModel(fp32);
    const a = encodeOnnxModel(quantizeDynamic(fp32, PER_CHANNEL));
    expect(encodeOnnxModel(quantizeDynamic(fp32, PER_CHANNEL))).toEqual(a);
    expect(encodeOnnxModel(fp32)).toEqual(before);
  });

  /** The exported Gemm with other attributes and its weight re-laid out to match transB. */
  function gemmVariant(attributes: { alpha?: number; beta?: number; transB: 0 | 1; transA?: 1 }): OnnxModel {
    const w = floatInit(fp32, 'fc_weight');
    const stored = attributes.transB === 1 ? w : { ...w, dims: [IN, OUT], data: weight };
    const attrs = [floatAttr('alpha', attributes.alpha ?? 1), floatAttr('beta', attributes.beta ?? 1), intAttr('transB', attributes.transB), ...(attributes.transA === 1 ? [intAttr('transA', 1)] : [])];
    return {
      ...fp32,
      graph: {
        ...fp32.graph,
        nodes: fp32.graph.nodes.map((n) => (n.opType === 'Gemm' ? { ...n, attributes: attrs } : n)),
        initializers: fp32.graph.initializers.map((t) => (t.name === 'fc_weight' ? stored : t)),
      },
    };
  }

  it.each<[string, { alpha: number; beta?: number; transB: 0 | 1 }]>([
    ['alpha 0.5, beta 2, transB 0', { alpha: 0.5, beta: 2, transB: 0 }],
    ['alpha 3, transB 1', { alpha: 3, transB: 1 }],
  ])('folds Gemm %s into the weight and bias', async (name, attributes) => {
    const variant = gemmVariant(attributes);
    const int8 = quantizeDynamic(variant, PER_CHANNEL);
    await check(int8, `gemm-${name.replace(/\W+/g, '-')}`);
    const x = randomData(BATCH * IN, 33);
    const alpha = attributes.alpha;
    const beta = attributes.beta ?? 1;
    const w = weight.map((v) => Math.fround(v * alpha));
    const b = bias.map((v) => Math.fround(v * beta));
    const ref = integerReference(x, w, IN, OUT, PER_CHANNEL, b);
    const actual = await runOnnx(int8, x, [BATCH, IN]);
    const expected = await runOnnx(variant, x, [BATCH, IN]);
    expect(worstRatio(actual, floatReference(x, w, IN, OUT, b), ref.bound)).toBeLessThanOrEqual(1);
    expect(worstRatio(expected, floatReference(x, w, IN, OUT, b), ref.bound)).toBeLessThanOrEqual(1);
  });

  it('rejects Gemm transA = 1 naming the node', () => {
    expect(() => quantizeDynamic(gemmVariant({ transB: 1, transA: 1 }), PER_CHANNEL)).toThrow("quantizeDynamic: Gemm node 'fc' (weight 'fc_weight') has transA = 1; MatMulInteger has no transposed input");
  });

  it('rejects Gemm beta != 1 on a run-time C naming the node', () => {
    const model = gemmVariant({ beta: 2, transB: 1 });
    const runtimeC: OnnxModel = {
      ...model,
      graph: { ...model.graph, initializers: model.graph.initializers.filter((t) => t.name !== 'fc_bias'), nodes: [{ name: 'c', opType: 'Identity', domain: '', inputs: ['input_values'], outputs: ['fc_bias'], attributes: [] }, ...model.graph.nodes] },
    };
    expect(() => quantizeDynamic(runtimeC, PER_CHANNEL)).toThrow("quantizeDynamic: Gemm node 'fc' (weight 'fc_weight') has beta = 2 on a run-time C 'fc_bias'");
  });
});

describe('quantizeDynamic on MatMul', () => {
  const [K, N, M] = [12, 7, 6];
  const w = randomData(K * N, 41).map((v) => v * 0.2);
  const matmul: OnnxModel = {
    irVersion: 7,
    opsetImports: [{ domain: '', version: 13 }],
    producerName: 'test',
    producerVersion: '0',
    docString: '',
    metadata: {},
    graph: {
      name: 'mm',
      nodes: [{ name: 'proj', opType: 'MatMul', domain: '', inputs: ['x', 'w'], outputs: ['y'], attributes: [] }],
      initializers: [{ name: 'w', dataType: 'float32', dims: [K, N], data: w }],
      inputs: [{ name: 'x', elemType: 'float32', shape: ['batch', K] }],
      outputs: [{ name: 'y', elemType: 'float32', shape: ['batch', N] }],
      valueInfo: [],
    },
  };

  it.each(GRANULARITIES)('rewrites a bias-free MatMul (%s), passes the checker and stays within the bound', async (granularity, config) => {
    const int8 = quantizeDynamic(matmul, config);
    expect(int8.graph.nodes.map((n) => n.opType)).toEqual(['DynamicQuantizeLinear', 'Mul', 'MatMulInteger', 'Cast', 'Mul']);
    expect(int8.graph.nodes.at(-1)!.outputs).toEqual(['y']);
    await check(int8, `matmul-${granularity}`);
    expect(await optimizedOps(int8, `matmul-${granularity}`)).toEqual(['DynamicQuantizeMatMul']);
    // Inputs with a negative minimum: the zero point is not 0.
    const x = randomData(M * K, 42).map((v) => v + 0.5);
    const actual = await runOnnx(int8, x, [M, K]);
    const ref = integerReference(x, w, K, N, config);
    const yMax = Math.max(...ref.y.map(Math.abs));
    for (let i = 0; i < actual.length; i++) expect(Math.abs(actual[i]! - ref.y[i]!)).toBeLessThanOrEqual(1e-6 * yMax);
    expect(worstRatio(actual, floatReference(x, w, K, N), ref.bound)).toBeLessThanOrEqual(1);
  });

  it("leaves a MatMul alone when 'ops' leaves it out, and then says there is nothing to do", () => {
    expect(() => quantizeDynamic(matmul, resolveDynamicQuantizeConfig({ ops: ['Gemm'] }))).toThrow('quantizeDynamic: no Gemm with a constant weight; dynamic int8 would not change this model (its ops: MatMul)');
  });

  it('rejects a weight that is not 2-D, naming the node', () => {
    const w3 = { ...matmul, graph: { ...matmul.graph, initializers: [{ name: 'w', dataType: 'float32' as const, dims: [1, K, N], data: w }] } };
    expect(() => quantizeDynamic(w3, PER_CHANNEL)).toThrow("quantizeDynamic: MatMul node 'proj' (weight 'w') has a 3-D weight [1, 12, 7]; only 2-D weights are supported");
  });
});

describe('quantizeDynamic without a dense layer', () => {
  it('throws instead of returning an unchanged "int8" model', () => {
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [6, 5, 2] }), tf.layers.conv2d({ filters: 3, kernelSize: 3, name: 'conv' }), tf.layers.globalAveragePooling2d({ name: 'pool' })] });
    randomizeWeights(model, 51);
    const fp32 = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
    model.dispose();
    const run = () => quantizeDynamic(fp32, PER_CHANNEL);
    expect(run).toThrow(UnsupportedError);
    expect(run).toThrow('quantizeDynamic: no Gemm/MatMul with a constant weight; dynamic int8 would not change this model (its ops: Transpose, Conv, GlobalAveragePool, Flatten)');
  });
});

describe('quantizeDynamic on DS-CNN-S', () => {
  const { inputFrames: FRAMES, inputBins: BINS, numClasses: CLASSES } = DS_CNN_S;
  const BATCH = 16;
  let fp32: OnnxModel;
  let features: Float32Array; // the classifier's input, [BATCH, 64]
  let weight: Float32Array; // [64, CLASSES]
  let bias: Float32Array;
  let hidden: number;
  const x = randomData(BATCH * FRAMES * BINS, 61);

  beforeAll(async () => {
    const model = buildDsCnn(DS_CNN_S, 5);
    perturbBatchNorms(model, 6);
    fp32 = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
    model.dispose();
    const gemm = fp32.graph.nodes.find((n) => n.opType === 'Gemm')!;
    const w = floatInit(fp32, gemm.inputs[1]!);
    hidden = w.dims[1]!;
    weight = transpose(w.data, CLASSES, hidden);
    bias = floatInit(fp32, gemm.inputs[2]!).data;
    // The same fp32 graph, read out at the classifier's input.
    const truncated: OnnxModel = { ...fp32, graph: { ...fp32.graph, outputs: [{ name: gemm.inputs[0]!, elemType: 'float32', shape: ['batch', hidden] }] } };
    features = await runOnnx(truncated, x, [BATCH, FRAMES, BINS]);
  });

  it('has one dense layer, the 64 x 12 classifier', () => {
    expect(fp32.graph.nodes.filter((n) => n.opType === 'Gemm' || n.opType === 'MatMul').map((n) => n.name)).toEqual(['logits']);
    expect([hidden, CLASSES]).toEqual([64, 12]);
  });

  describe.each(GRANULARITIES)('%s weights', (granularity, config) => {
    let int8: OnnxModel;
    beforeAll(() => {
      int8 = quantizeDynamic(fp32, config);
    });

    it('rewrites only the classifier; every Conv stays float', () => {
      const ops = (m: OnnxModel) => m.graph.nodes.map((n) => n.opType);
      expect(ops(int8).filter((o) => o === 'Conv')).toEqual(ops(fp32).filter((o) => o === 'Conv'));
      expect(ops(int8)).not.toContain('Gemm');
      expect(ops(int8).slice(-6)).toEqual(['DynamicQuantizeLinear', 'Mul', 'MatMulInteger', 'Cast', 'Mul', 'Add']);
      expect(int8.graph.initializers.filter((t) => t.dataType === 'int8').map((t) => t.dims)).toEqual([[64, 12]]);
    });

    it('saves about three quarters of the classifier weight bytes and nothing else', () => {
      const before = encodeOnnxModel(compactTensorNames(fp32)).byteLength;
      const after = encodeOnnxModel(int8).byteLength;
      const floatBytes = 64 * 12 * 4;
      const scaleBytes = granularity === 'per-channel' ? 12 * 4 : 4;
      // int8 weight + scales replace the float weight; the 5 nodes that replace the Gemm cost ~230 bytes more than it.
      expect(before - after).toBeGreaterThan(floatBytes - floatBytes / 4 - scaleBytes - 256);
      expect(before - after).toBeLessThan(floatBytes - floatBytes / 4);
    });

    it('passes onnx.checker full_check and is fused into DynamicQuantizeMatMul', async () => {
      await check(int8, `ds-cnn-${granularity}`);
      const ops = await optimizedOps(int8, `ds-cnn-${granularity}`);
      expect(ops.filter((o) => o === 'DynamicQuantizeMatMul')).toHaveLength(1);
      expect(ops).not.toContain('MatMulInteger');
      expect(ops).not.toContain('DynamicQuantizeLinear');
    });

    it('gives logits within the quantization bound of the classifier on fp32 features, and the same top-1', async () => {
      const actual = await runOnnx(int8, x, [BATCH, FRAMES, BINS]);
      const expected = await runOnnx(fp32, x, [BATCH, FRAMES, BINS]);
      const ref = integerReference(features, weight, hidden, CLASSES, config, bias);
      const yMax = Math.max(...ref.y.map(Math.abs));
      for (let i = 0; i < actual.length; i++) expect(Math.abs(actual[i]! - ref.y[i]!)).toBeLessThanOrEqual(1e-6 * yMax);
      const exact = floatReference(features, weight, hidden, CLASSES, bias);
      expect(worstRatio(actual, exact, ref.bound)).toBeLessThanOrEqual(1);
      expect(worstRatio(expected, exact, ref.bound)).toBeLessThanOrEqual(1);
      const argmax = (y: Float32Array, r: number) => y.slice(r * CLASSES, (r + 1) * CLASSES).reduce((best, v, i, row) => (v > row[best]! ? i : best), 0);
      // Top-1 may only differ where fp32's top two logits are closer than twice the bound.
      for (let r = 0; r < BATCH; r++) {
        const row = [...expected.slice(r * CLASSES, (r + 1) * CLASSES)].sort((a, b) => b - a);
        if (row[0]! - row[1]! > 2 * Math.max(...ref.bound.slice(r * CLASSES, (r + 1) * CLASSES))) expect(argmax(actual, r)).toBe(argmax(expected, r));
      }
    });
  });
});
