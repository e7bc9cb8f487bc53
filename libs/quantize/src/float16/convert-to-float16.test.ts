// fp16 conversion: real DS-CNN-S end to end (checker, onnxruntime, accuracy, size), hand-built graphs, errors.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, UnsupportedError, WhittleError } from '@whittle/datasets';
import { buildDsCnn, DS_CNN_S } from '@whittle/distill';
import { DEFAULT_EXPORT_CONFIG } from '../export/export-config.ts';
import { exportLayersModel } from '../export/export-layers-model.ts';
import { floatAttr, intAttr, tensorAttr } from '../onnx/attribute.ts';
import type { OnnxModel, OnnxNode, OnnxTensor } from '../onnx/onnx-model.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import { checkWithOnnxChecker, perturbBatchNorms, randomData, runOnnx, SYSTEM_PYTHON } from '../testing/onnx-test-utils.ts';
import { convertToFloat16 } from './convert-to-float16.ts';
import { float16BitsToFloat32 } from './float16-bits.ts';
import type { Float16Config } from './float16-config.ts';

const { inputFrames: FRAMES, inputBins: BINS, numClasses: CLASSES } = DS_CNN_S;
const COUNT = 32;
const INPUTS = randomData(COUNT * FRAMES * BINS, 31);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whittle-fp16-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `model` and runs onnx.checker full_check on it (type and shape inference in strict mode). */
async function check(model: OnnxModel, name: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, encodeOnnxModel(model));
  checkWithOnnxChecker(file);
  return file;
}

/** Graph I/O names and element type codes and the initializers' data type codes, read by python onnx, not our decoder. */
function pythonView(file: string): { inputs: [string, number][]; outputs: [string, number][]; initializers: number[] } {
  const script = 'import onnx,sys,json; g=onnx.load(sys.argv[1]).graph; f=lambda vs: [[v.name, v.type.tensor_type.elem_type] for v in vs]; print(json.dumps({"inputs": f(g.input), "outputs": f(g.output), "initializers": sorted({t.data_type for t in g.initializer})}))';
  return JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', script, file], { encoding: 'utf8' })) as ReturnType<typeof pythonView>;
}

async function run(model: OnnxModel, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(encodeOnnxModel(model), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    return (await session.run(feeds)) as Record<string, ort.Tensor>;
  } finally {
    await session.release();
  }
}

const values = (t: OnnxTensor | undefined): number[] => (t?.dataType === 'float16' ? Array.from(t.data, (b) => float16BitsToFloat32(b)) : []);

describe('DS-CNN-S (perturbed batch norms) in fp16', () => {
  let fp32: OnnxModel;
  let fp16: OnnxModel;
  let fp32Before: Uint8Array;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const model = buildDsCnn(DS_CNN_S, 7);
    perturbBatchNorms(model, 8);
    fp32 = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
    model.dispose();
    fp32Before = encodeOnnxModel(fp32);
    fp16 = convertToFloat16(fp32);
  });

  it('passes full_check, keeps float32 inputs/outputs under their names, all float weights float16', async () => {
    const file = await check(fp16, 'ds-cnn-s_fp16.onnx');
    const view = pythonView(file);
    expect(view.inputs).toEqual(fp32.graph.inputs.map((v) => [v.name, 1]));
    expect(view.outputs).toEqual(fp32.graph.outputs.map((v) => [v.name, 1]));
    // FLOAT16 weights and the INT64 Reshape shape; no FLOAT left.
    expect(view.initializers).toEqual([7, 10]);
  });

  it('adds exactly one Cast after the input and one before the output, and leaves its input model unchanged', () => {
    const ops = fp16.graph.nodes.map((n) => n.opType);
    expect(ops).toEqual(['Cast', ...fp32.graph.nodes.map((n) => n.opType), 'Cast']);
    expect(fp16.graph.nodes[0]?.attributes).toEqual([intAttr('to', 10)]);
    expect(fp16.graph.nodes.at(-1)?.attributes).toEqual([intAttr('to', 1)]);
    expect(fp16.metadata['whittle_quantization']).toBe('float16 weights and compute; float32 inputs/outputs; float32 kept for: none; 0 weight values clamped to ±65504');
    expect(encodeOnnxModel(fp32)).toEqual(fp32Before);
  });

  it('is at most 55% of the fp32 file', () => {
    const ratio = encodeOnnxModel(fp16).byteLength / fp32Before.byteLength;
    expect(ratio).toBeGreaterThan(0.45); // half the weights' bytes plus the same graph: below this something was dropped
    expect(ratio).toBeLessThanOrEqual(0.55);
  });

  it('runs on onnxruntime-node with float32 I/O: same top-1 and logits within 1e-3 of fp32 (measured 2.1e-4 over 200 inputs, logits up to 0.48)', async () => {
    const dims = [COUNT, FRAMES, BINS];
    const a = await runOnnx(fp32, INPUTS, dims);
    const out = (await run(fp16, { [fp32.graph.inputs[0]!.name]: new ort.Tensor('float32', INPUTS, dims) }))[fp32.graph.outputs[0]!.name]!;
    expect(out.type).toBe('float32');
    expect(out.dims).toEqual([COUNT, CLASSES]);
    const b = out.data as Float32Array;
    let maxAbs = 0;
    let agree = 0;
    const argmax = (v: Float32Array, i: number): number => {
      const row = Array.from(v.subarray(i * CLASSES, (i + 1) * CLASSES));
      return row.indexOf(Math.max(...row));
    };
    for (let i = 0; i < a.length; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i]! - b[i]!));
    for (let i = 0; i < COUNT; i++) if (argmax(a, i) === argmax(b, i)) agree++;
    expect(agree).toBe(COUNT);
    expect(maxAbs).toBeGreaterThan(0); // the weights did change precision
    expect(maxAbs).toBeLessThan(1e-3);
  });
});

const node = (name: string, opType: string, inputs: string[], outputs: string[], attributes: OnnxNode['attributes'] = []): OnnxNode => ({ name, opType, domain: '', inputs, outputs, attributes });
const f32 = (name: string, dims: number[], ...data: number[]): OnnxTensor => ({ name, dataType: 'float32', dims, data: Float32Array.from(data) });
const modelOf = (graph: Omit<OnnxModel['graph'], 'name' | 'valueInfo'> & { valueInfo?: OnnxModel['graph']['valueInfo'] }, opset = 13): OnnxModel => ({
  irVersion: 8,
  opsetImports: [{ domain: '', version: opset }],
  producerName: 'test',
  producerVersion: '0',
  docString: '',
  metadata: { whittle_model: 'small' },
  graph: { name: 'small', valueInfo: [], ...graph },
});

describe('convertToFloat16 on a hand-built graph', () => {
  // x[2,3] * w + Constant(value_float) -> a; y = Reshape(a) is an output that Relu also reads;
  // u = ConstantOfShape(Shape(x)) (no value: float32 zeros) + a; f = Cast(Shape(x), to=FLOAT).
  const SMALL = modelOf({
    inputs: [{ name: 'x', elemType: 'float32', shape: [2, 3] }],
    outputs: [
      { name: 'y', elemType: 'float32', shape: [3, 2] },
      { name: 'z', elemType: 'float32', shape: [3, 2] },
      { name: 'u', elemType: 'float32', shape: [2, 3] },
      { name: 'f', elemType: 'float32', shape: [2] },
    ],
    valueInfo: [
      { name: 'm', elemType: 'float32', shape: [2, 3] },
      { name: 's', elemType: 'int64', shape: [2] },
    ],
    initializers: [f32('w', [3], 0.5, -2, 3), { name: 'shape', dataType: 'int64', dims: [2], data: BigInt64Array.of(3n, 2n) }],
    nodes: [
      node('c', 'Constant', [], ['c'], [floatAttr('value_float', 0.25)]),
      node('mul', 'Mul', ['x', 'w'], ['m']),
      node('add', 'Add', ['m', 'c'], ['a']),
      node('reshape', 'Reshape', ['a', 'shape'], ['y']),
      node('relu', 'Relu', ['y'], ['z']),
      node('shape_of', 'Shape', ['x'], ['s']),
      node('zeros', 'ConstantOfShape', ['s'], ['zero']),
      node('add_zero', 'Add', ['zero', 'a'], ['u']),
      node('to_float', 'Cast', ['s'], ['f'], [intAttr('to', 1)]),
    ],
  });
  const X = Float32Array.of(1, 1, 1, -4, 0.5, 0);
  // x * [0.5, -2, 3] + 0.25, all exact in float16.
  const A = [0.75, -1.75, 3.25, -1.75, -0.75, 0.25];

  it('converts weights, Constant, ConstantOfShape, Cast and value_info, and does not modify its input', () => {
    const before = encodeOnnxModel(SMALL);
    const model = convertToFloat16(SMALL);
    expect(encodeOnnxModel(SMALL)).toEqual(before);
    const g = model.graph;
    expect(g.initializers[0]).toEqual({ name: 'w', dataType: 'float16', dims: [3], data: Uint16Array.of(0x3800, 0xc000, 0x4200) });
    expect(g.initializers[1]).toBe(SMALL.graph.initializers[1]);
    const byName = (name: string) => g.nodes.find((n) => n.name === name);
    expect(byName('c')?.attributes).toEqual([tensorAttr('value', { name: '', dataType: 'float16', dims: [], data: Uint16Array.of(0x3400) })]);
    expect(byName('zeros')?.attributes).toEqual([tensorAttr('value', { name: '', dataType: 'float16', dims: [1], data: Uint16Array.of(0) })]);
    expect(byName('to_float')?.attributes).toEqual([intAttr('to', 10)]);
    expect(g.valueInfo).toEqual([
      { name: 'm', elemType: 'float16', shape: [2, 3] },
      { name: 's', elemType: 'int64', shape: [2] },
    ]);
    // The input is cast on entry; each output is produced as <name>_fp16 and cast back, and Relu reads the float16 y.
    expect(g.nodes.map((n) => `${n.opType}(${n.inputs.join(',')})->${n.outputs.join(',')}`)).toEqual([
      'Cast(x)->x_fp16',
      'Constant()->c',
      'Mul(x_fp16,w)->m',
      'Add(m,c)->a',
      'Reshape(a,shape)->y_fp16',
      'Cast(y_fp16)->y',
      'Relu(y_fp16)->z_fp16',
      'Cast(z_fp16)->z',
      'Shape(x_fp16)->s',
      'ConstantOfShape(s)->zero',
      'Add(zero,a)->u_fp16',
      'Cast(u_fp16)->u',
      'Cast(s)->f_fp16',
      'Cast(f_fp16)->f',
    ]);
    expect([...g.inputs, ...g.outputs].map((v) => v.elemType)).toEqual(['float32', 'float32', 'float32', 'float32', 'float32']);
    expect(model.metadata).toEqual({ whittle_model: 'small', whittle_quantization: 'float16 weights and compute; float32 inputs/outputs; float32 kept for: none; 0 weight values clamped to ±65504' });
  });

  it('passes full_check and computes the same values on onnxruntime with float32 I/O', async () => {
    const model = convertToFloat16(SMALL);
    await check(model, 'small_fp16.onnx');
    const out = await run(model, { x: new ort.Tensor('float32', X, [2, 3]) });
    expect(Array.from(out['y']!.data as Float32Array)).toEqual(A);
    expect(Array.from(out['z']!.data as Float32Array)).toEqual(A.map((v) => Math.max(v, 0)));
    expect(Array.from(out['u']!.data as Float32Array)).toEqual(A);
    expect(Array.from(out['f']!.data as Float32Array)).toEqual([2, 3]);
    expect(Object.values(out).map((t) => t.type)).toEqual(['float32', 'float32', 'float32', 'float32']);
  });

  it('with keepIoTypes false makes inputs and outputs float16 and adds no Casts of its own', async () => {
    const model = convertToFloat16(SMALL, { keepIoTypes: false });
    expect(model.graph.nodes.map((n) => n.opType)).toEqual(SMALL.graph.nodes.map((n) => n.opType));
    expect([...model.graph.inputs, ...model.graph.outputs].map((v) => v.elemType)).toEqual(['float16', 'float16', 'float16', 'float16', 'float16']);
    await check(model, 'small_fp16_io.onnx');
    const x = new ort.Tensor('float16', Uint16Array.of(0x3c00, 0x3c00, 0x3c00, 0xc400, 0x3800, 0), [2, 3]);
    const y = (await run(model, { x }))['y']!;
    expect(y.type).toBe('float16');
    expect(Array.from(y.data as Uint16Array, (b) => float16BitsToFloat32(b))).toEqual(A);
  });

  it('stops at a weight beyond ±65504, naming it, or clamps it when asked', () => {
    const big = modelOf({ ...SMALL.graph, initializers: [f32('w', [3], 0.5, -7e4, 3), SMALL.graph.initializers[1]!] });
    const call = () => convertToFloat16(big);
    expect(call).toThrow(WhittleError);
    expect(call).toThrow("initializer 'w' holds -70000 at index 1, beyond float16's ±65504");
    const clamped = convertToFloat16(big, { overflow: 'clamp' });
    expect(values(clamped.graph.initializers[0])).toEqual([0.5, -65504, 3]);
    expect(clamped.metadata['whittle_quantization']).toContain('1 weight values clamped to ±65504');
    // 65504 itself and 65519 (which rounds to 65504) : the former is in range, the latter is not.
    expect(() => convertToFloat16(modelOf({ ...big.graph, initializers: [f32('w', [3], 65504, -65504, Infinity), SMALL.graph.initializers[1]!] }))).not.toThrow();
    expect(() => convertToFloat16(modelOf({ ...big.graph, initializers: [f32('w', [3], 0, 65519, 0), SMALL.graph.initializers[1]!] }))).toThrow(/'w' holds 65519/);
    const constant = modelOf({ ...SMALL.graph, nodes: SMALL.graph.nodes.map((n) => (n.name === 'c' ? { ...n, attributes: [floatAttr('value_float', 1e5)] } : n)) });
    expect(() => convertToFloat16(constant)).toThrow("Constant node 'c' holds 100000 at index 0, beyond float16's ±65504");
  });

  it('rejects bad options, custom-domain ops and unchecked opsets', () => {
    expect(() => convertToFloat16(SMALL, { overflow: 'saturate' } as unknown as Partial<Float16Config>)).toThrow(ConfigError);
    expect(() => convertToFloat16(SMALL, { overflow: 'saturate' } as unknown as Partial<Float16Config>)).toThrow(`Float16 config 'overflow' must be "error" or "clamp"; got "saturate"`);
    expect(() => convertToFloat16(SMALL, { keepIoTypes: 'yes' } as unknown as Partial<Float16Config>)).toThrow(`Float16 config 'keepIoTypes' must be true or false; got "yes"`);
    const custom = modelOf({ ...SMALL.graph, nodes: [...SMALL.graph.nodes.slice(0, -1), { ...SMALL.graph.nodes.at(-1)!, domain: 'com.microsoft' }] });
    expect(() => convertToFloat16(custom)).toThrow(UnsupportedError);
    expect(() => convertToFloat16(custom)).toThrow("node 'to_float' of op 'com.microsoft:Cast'");
    expect(() => convertToFloat16(modelOf(SMALL.graph, 12))).toThrow('convertToFloat16 supports ai.onnx opsets 13-17; the model imports 12');
  });
});

describe('convertToFloat16 keeps float32-only positions in float32', () => {
  // x -> QuantizeLinear/DequantizeLinear (scale 0.5) -> Resize x2 nearest (float scales) -> + Range(0, 4, 1) -> y.
  const QDQ = modelOf({
    inputs: [{ name: 'x', elemType: 'float32', shape: [1, 1, 2, 2] }],
    outputs: [{ name: 'y', elemType: 'float32', shape: [1, 1, 4, 4] }],
    initializers: [
      f32('q_scale', [], 0.5),
      { name: 'q_zero', dataType: 'int8', dims: [], data: Int8Array.of(0) },
      f32('scales', [4], 1, 1, 2, 2),
      f32('start', [], 0),
      f32('limit', [], 4),
      f32('delta', [], 1),
    ],
    nodes: [
      node('q', 'QuantizeLinear', ['x', 'q_scale', 'q_zero'], ['xq']),
      node('dq', 'DequantizeLinear', ['xq', 'q_scale', 'q_zero'], ['xd']),
      node('resize', 'Resize', ['xd', '', 'scales'], ['r'], [{ name: 'mode', type: 'string', value: 'nearest' }]),
      node('range', 'Range', ['start', 'limit', 'delta'], ['ramp']),
      node('add', 'Add', ['r', 'ramp'], ['y']),
    ],
  });

  it('casts around QuantizeLinear, DequantizeLinear, Range and Resize scales, keeps their weights float32, and computes exactly', async () => {
    const model = convertToFloat16(QDQ);
    expect(model.graph.initializers.map((t) => `${t.name}:${t.dataType}`)).toEqual(['q_scale:float32', 'q_zero:int8', 'scales:float32', 'start:float32', 'limit:float32', 'delta:float32']);
    expect(model.graph.nodes.map((n) => `${n.opType}(${n.inputs.join(',')})->${n.outputs.join(',')}`)).toEqual([
      'QuantizeLinear(x,q_scale,q_zero)->xq',
      'DequantizeLinear(xq,q_scale,q_zero)->xd',
      'Cast(xd)->xd_fp16',
      'Resize(xd_fp16,,scales)->r',
      'Range(start,limit,delta)->ramp',
      'Cast(ramp)->ramp_fp16',
      'Add(r,ramp_fp16)->y_fp16',
      'Cast(y_fp16)->y',
    ]);
    expect(model.metadata['whittle_quantization']).toContain('float32 kept for: DequantizeLinear, QuantizeLinear, Range, Resize');
    await check(model, 'qdq_fp16.onnx');
    // A float32-only output that is also a graph output: as is with float32 I/O; produced as ramp_fp32 and cast to float16 without.
    const withRamp = modelOf({ ...QDQ.graph, outputs: [...QDQ.graph.outputs, { name: 'ramp', elemType: 'float32', shape: [4] }] });
    const io32 = convertToFloat16(withRamp);
    expect(io32.graph.nodes.slice(4, 6).map((n) => `${n.opType}(${n.inputs.join(',')})->${n.outputs.join(',')}`)).toEqual(['Range(start,limit,delta)->ramp', 'Cast(ramp)->ramp_fp16']);
    await check(io32, 'qdq_ramp_fp16.onnx');
    const io16 = convertToFloat16(withRamp, { keepIoTypes: false });
    expect(io16.graph.nodes.map((n) => `${n.opType}(${n.inputs.join(',')})->${n.outputs.join(',')}`)).toEqual([
      'Cast(x)->x_fp32',
      'QuantizeLinear(x_fp32,q_scale,q_zero)->xq',
      'DequantizeLinear(xq,q_scale,q_zero)->xd',
      'Cast(xd)->xd_fp16',
      'Resize(xd_fp16,,scales)->r',
      'Range(start,limit,delta)->ramp_fp32',
      'Cast(ramp_fp32)->ramp',
      'Add(r,ramp)->y',
    ]);
    expect(io16.graph.outputs.map((v) => v.elemType)).toEqual(['float16', 'float16']);
    await check(io16, 'qdq_ramp_fp16_io.onnx');
    const out = await run(model, { x: new ort.Tensor('float32', Float32Array.of(0.4, -1.3, 2.2, 7), [1, 1, 2, 2]) });
    // Quantized to [1, -3, 4, 14] * 0.5, upsampled by repeating, plus [0, 1, 2, 3] along the last axis.
    const rows = [
      [0.5, 0.5, -1.5, -1.5],
      [0.5, 0.5, -1.5, -1.5],
      [2, 2, 7, 7],
      [2, 2, 7, 7],
    ];
    expect(Array.from(out['y']!.data as Float32Array)).toEqual(rows.flatMap((r) => r.map((v, i) => v + i)));
  });
});
