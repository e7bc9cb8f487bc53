// ONNX ModelProto encoding: exact bytes of a TensorProto, round trips, and onnxruntime loading what we write.
import { execFileSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { BadFileError } from '@whittle/datasets';
import { describe, expect, it } from 'vitest';
import { floatAttr, intAttr, tensorAttr } from '../onnx/attribute.ts';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { decodeOnnxModel } from './decode-onnx-model.ts';
import { encodeOnnxModel, tensorRawData } from './encode-onnx-model.ts';
import { SYSTEM_PYTHON } from '../testing/onnx-test-utils.ts';

/** y = Relu(x @ W^T + b) with W [2, 3], b [2], written by hand. */
const GEMM_MODEL: OnnxModel = {
  irVersion: 7,
  opsetImports: [{ domain: '', version: 13 }],
  producerName: 'whittle-test',
  producerVersion: '1.2.3',
  docString: 'hand-written',
  graph: {
    name: 'tiny',
    nodes: [
      { name: 'fc', opType: 'Gemm', domain: '', inputs: ['x', 'W', 'b'], outputs: ['h'], attributes: [floatAttr('alpha', 1), intAttr('transB', 1)] },
      { name: 'act', opType: 'Relu', domain: '', inputs: ['h'], outputs: ['y'], attributes: [] },
    ],
    initializers: [
      { name: 'W', dataType: 'float32', dims: [2, 3], data: Float32Array.of(1, 2, 3, -1, -2, -3) },
      { name: 'b', dataType: 'float32', dims: [2], data: Float32Array.of(0.5, 10) },
    ],
    inputs: [{ name: 'x', elemType: 'float32', shape: ['batch', 3] }],
    outputs: [{ name: 'y', elemType: 'float32', shape: ['batch', 2] }],
    valueInfo: [{ name: 'h', elemType: 'float32', shape: ['batch', 2] }],
  },
  metadata: { whittle_model: 'tiny', note: 'x' },
};

/** y = (x + W) * c in float16 end to end; W an initializer, c a Constant node. Bits: 1 = 0x3c00, -2 = 0xc000, 0.5 = 0x3800. */
const HALF_MODEL: OnnxModel = {
  ...GEMM_MODEL,
  graph: {
    name: 'half',
    nodes: [
      { name: 'c', opType: 'Constant', domain: '', inputs: [], outputs: ['c'], attributes: [tensorAttr('value', { name: '', dataType: 'float16', dims: [], data: Uint16Array.of(0x3800) })] },
      { name: 'add', opType: 'Add', domain: '', inputs: ['x', 'W'], outputs: ['s'], attributes: [] },
      { name: 'mul', opType: 'Mul', domain: '', inputs: ['s', 'c'], outputs: ['y'], attributes: [] },
    ],
    initializers: [{ name: 'W', dataType: 'float16', dims: [2], data: Uint16Array.of(0x3c00, 0xc000) }],
    inputs: [{ name: 'x', elemType: 'float16', shape: ['batch', 2] }],
    outputs: [{ name: 'y', elemType: 'float16', shape: ['batch', 2] }],
    valueInfo: [{ name: 's', elemType: 'float16', shape: ['batch', 2] }],
  },
};

describe('encodeOnnxModel', () => {
  it('writes a TensorProto as dims, data_type, name, little-endian raw_data', () => {
    const bytes = encodeOnnxModel({ ...GEMM_MODEL, graph: { ...GEMM_MODEL.graph, nodes: [], inputs: [], outputs: [], valueInfo: [], initializers: [{ name: 'k', dataType: 'int64', dims: [2], data: BigInt64Array.of(-1n, 258n) }] } });
    // The graph (field 7) holds name (field 2) then the initializer (field 5):
    // 08 02 (dims 2) 10 07 (INT64) 42 01 6b ('k') 4a 10 (raw_data, 16 bytes)
    const tensor = [0x08, 0x02, 0x10, 0x07, 0x42, 0x01, 0x6b, 0x4a, 0x10, ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], ...[0x02, 0x01, 0, 0, 0, 0, 0, 0]];
    const graph = [0x12, 0x04, ...Buffer.from('tiny'), 0x2a, tensor.length, ...tensor];
    const hex = Buffer.from(bytes).toString('hex');
    expect(hex).toContain(Buffer.from([0x3a, graph.length, ...graph]).toString('hex'));
    // ir_version 7 comes first: field 1 varint.
    expect(Array.from(bytes.subarray(0, 2))).toEqual([0x08, 0x07]);
  });

  it('raw_data is little-endian whatever the element type', () => {
    expect(Array.from(tensorRawData({ name: 't', dataType: 'float32', dims: [1], data: Float32Array.of(1) }))).toEqual([0, 0, 0x80, 0x3f]);
    expect(Array.from(tensorRawData({ name: 't', dataType: 'int32', dims: [1], data: Int32Array.of(-2) }))).toEqual([0xfe, 0xff, 0xff, 0xff]);
    expect(Array.from(tensorRawData({ name: 't', dataType: 'int8', dims: [2], data: Int8Array.of(-128, 127) }))).toEqual([0x80, 0x7f]);
    expect(Array.from(tensorRawData({ name: 't', dataType: 'float16', dims: [2], data: Uint16Array.of(0x3c00, 0xfbff) }))).toEqual([0x00, 0x3c, 0xff, 0xfb]);
  });

  it('round-trips through decodeOnnxModel', () => {
    expect(decodeOnnxModel(encodeOnnxModel(GEMM_MODEL))).toEqual(GEMM_MODEL);
  });

  it('round-trips float16 initializers, Constant tensors and value types, writing data type 10', () => {
    const bytes = encodeOnnxModel(HALF_MODEL);
    // The initializer 'W': dims 2, data_type 10 (FLOAT16), name, 4 bytes of raw_data.
    const tensor = [0x08, 0x02, 0x10, 0x0a, 0x42, 0x01, 0x57, 0x4a, 0x04, 0x00, 0x3c, 0x00, 0xc0];
    expect(Buffer.from(bytes).toString('hex')).toContain(Buffer.from(tensor).toString('hex'));
    const decoded = decodeOnnxModel(bytes);
    expect(decoded).toEqual(HALF_MODEL);
    expect(decoded.graph.initializers[0]?.data).toBeInstanceOf(Uint16Array);
  });

  it('decodes float16 tensors python onnx stores in int32_data rather than raw_data', () => {
    // helper.make_tensor(raw=False) converts the values to halves and puts each bit pattern in int32_data.
    const script = [
      'import sys',
      'from onnx import helper, TensorProto',
      'w=helper.make_tensor("w", TensorProto.FLOAT16, [4], [1.0, -2.0, 65504.0, -0.0], raw=False)',
      'assert not w.raw_data and len(w.int32_data)==4',
      'x=helper.make_tensor_value_info("x", TensorProto.FLOAT16, [4])',
      'y=helper.make_tensor_value_info("y", TensorProto.FLOAT16, [4])',
      'g=helper.make_graph([helper.make_node("Add",["x","w"],["y"])],"g",[x],[y],[w])',
      'sys.stdout.buffer.write(helper.make_model(g, opset_imports=[helper.make_opsetid("",13)]).SerializeToString())',
    ].join('\n');
    const bytes = new Uint8Array(execFileSync(SYSTEM_PYTHON, ['-c', script]));
    const model = decodeOnnxModel(bytes);
    expect(model.graph.initializers).toEqual([{ name: 'w', dataType: 'float16', dims: [4], data: Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x8000) }]);
    expect(model.graph.inputs).toEqual([{ name: 'x', elemType: 'float16', shape: [4] }]);
  });

  it('writes a float16 model onnxruntime runs in float16', async () => {
    const session = await ort.InferenceSession.create(encodeOnnxModel(HALF_MODEL));
    try {
      // x = [[1, 2]] (0x3c00, 0x4000): ([1, 2] + [1, -2]) * 0.5 = [1, 0].
      const out = await session.run({ x: new ort.Tensor('float16', Uint16Array.of(0x3c00, 0x4000), [1, 2]) });
      expect(out['y']!.type).toBe('float16');
      expect(Array.from(out['y']!.data as Uint16Array)).toEqual([0x3c00, 0x0000]);
    } finally {
      await session.release();
    }
  });

  it('produces a file onnxruntime loads and runs with the expected values', async () => {
    const session = await ort.InferenceSession.create(encodeOnnxModel(GEMM_MODEL));
    try {
      const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 1, 1, 0, 1, -1), [2, 3]) });
      // row 1: [6.5, -6 + 10]; row 2: [-1 + 0.5 -> 0, 1 + 10]
      expect(Array.from(out['y']!.data as Float32Array)).toEqual([6.5, 4, 0, 11]);
    } finally {
      await session.release();
    }
  });
});

describe('decodeOnnxModel', () => {
  it('names the source in a BadFileError for bytes that are not an ONNX model', () => {
    const call = () => decodeOnnxModel(Uint8Array.of(0x3a, 0x40, 0x01), 'broken.onnx');
    expect(call).toThrow(BadFileError);
    expect(call).toThrow(/^broken\.onnx: not a valid ONNX model: /);
  });
});
