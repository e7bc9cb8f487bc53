// ONNX ModelProto encoding: exact bytes of a TensorProto, round trips, and onnxruntime loading what we write.
import * as ort from 'onnxruntime-node';
import { BadFileError } from '@whittle/datasets';
import { describe, expect, it } from 'vitest';
import { floatAttr, intAttr } from '../onnx/attribute.ts';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { decodeOnnxModel } from './decode-onnx-model.ts';
import { encodeOnnxModel, tensorRawData } from './encode-onnx-model.ts';

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
  });

  it('round-trips through decodeOnnxModel', () => {
    expect(decodeOnnxModel(encodeOnnxModel(GEMM_MODEL))).toEqual(GEMM_MODEL);
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
