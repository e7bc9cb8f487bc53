// ONNX TensorProto decoding from hand-encoded bytes: Node Buffers, every data field layout, and clear errors.
import { BadFileError, UnsupportedError } from '@whittle/datasets';
import { describe, expect, it } from 'vitest';
import { decodeOnnxModel } from './decode-onnx-model.ts';
import { GRAPH, MODEL, STRING_ENTRY, TENSOR } from './onnx-fields.ts';
import { ProtobufWriter } from './protobuf-writer.ts';

/** A ModelProto (ir_version 7) whose graph 'g' holds `initializers`, each a serialized TensorProto. */
function modelWith(...initializers: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  return new ProtobufWriter()
    .int(MODEL.irVersion, 7)
    .message(MODEL.graph, (g) => {
      g.string(GRAPH.name, 'g');
      for (const t of initializers) g.bytes(GRAPH.initializer, Uint8Array.from(t));
    })
    .finish();
}

/** A TensorProto header: unpacked dims, data_type, name (the order onnxruntime writes them in). */
function header(dims: readonly number[], dataType: number, name: string): ProtobufWriter {
  const w = new ProtobufWriter();
  for (const d of dims) w.int(TENSOR.dims, d);
  return w.int(TENSOR.dataType, dataType).string(TENSOR.name, name);
}

/** Repeated varints packed into one length-delimited field. */
function packedInts(w: ProtobufWriter, field: number, values: readonly (number | bigint)[]): ProtobufWriter {
  const body = new ProtobufWriter();
  for (const v of values) body.varint(v);
  return w.bytes(field, body.finish());
}

/**
 * Initializer '0' as onnxruntime 1.30 saves the keyword spotter's first conv weight, shrunk from
 * dims [64, 1, 10, 4] to [2, 1, 1, 2]: 08 dims..., 10 03 (INT8), 42 01 30 (name '0'), 4a 04 raw_data.
 */
const ORT_INT8_WEIGHT = [0x08, 0x02, 0x08, 0x01, 0x08, 0x01, 0x08, 0x02, 0x10, 0x03, 0x42, 0x01, 0x30, 0x4a, 0x04, 0xf3, 0xcf, 0xe7, 0x03];
/** A uint8 zero point 'zp' of dims [3] in raw_data: 10 02 (UINT8), 42 02 'zp', 4a 03 raw_data. */
const ORT_UINT8_ZERO_POINT = [0x08, 0x03, 0x10, 0x02, 0x42, 0x02, 0x7a, 0x70, 0x4a, 0x03, 0x00, 0x80, 0xff];

describe('decodeOnnxModel tensors', () => {
  it.each([
    // Buffer.from(small) shares an 8 KiB pool slab; a subarray sits at an offset (readFile's
    // file-sized Buffer is the next test). Buffer#slice() is a view in each, so the
    // old `new Int8Array(raw.slice().buffer)` read the whole underlying buffer: "has 32642 values".
    ['a pooled small Buffer', (b: Uint8Array) => Buffer.from(b)],
    ['a Buffer at an offset in a larger buffer', (b: Uint8Array) => Buffer.concat([Buffer.alloc(100, 0x55), b, Buffer.alloc(50, 0x66)]).subarray(100, 100 + b.length)],
    ['a plain Uint8Array', (b: Uint8Array) => Uint8Array.from(b)],
  ])('reads int8 and uint8 raw_data exactly from %s, as copies', (_, wrap) => {
    const bytes = wrap(modelWith(ORT_INT8_WEIGHT, ORT_UINT8_ZERO_POINT));
    const [weight, zeroPoint] = decodeOnnxModel(bytes, 'model_int8.opt.onnx').graph.initializers;
    expect(weight).toEqual({ name: '0', dataType: 'int8', dims: [2, 1, 1, 2], data: Int8Array.of(-13, -49, -25, 3) });
    expect(zeroPoint).toEqual({ name: 'zp', dataType: 'uint8', dims: [3], data: Uint8Array.of(0, 128, 255) });
    // Exactly the standard typed arrays (not Buffer), owning their memory: editing the file bytes later changes nothing.
    expect(weight?.data.constructor).toBe(Int8Array);
    expect(zeroPoint?.data.constructor).toBe(Uint8Array);
    bytes.fill(0);
    expect(weight?.data).toEqual(Int8Array.of(-13, -49, -25, 3));
    expect(zeroPoint?.data).toEqual(Uint8Array.of(0, 128, 255));
  });

  it('reads a file-sized Buffer the same way readFile hands it over', () => {
    const model = modelWith(ORT_INT8_WEIGHT);
    const file = Buffer.allocUnsafeSlow(model.length);
    file.set(model);
    expect(file.buffer.byteLength).toBe(model.length);
    expect(decodeOnnxModel(file).graph.initializers[0]?.data).toEqual(Int8Array.of(-13, -49, -25, 3));
  });

  it.each([
    ['unpacked', (w: ProtobufWriter, field: number, values: readonly number[]) => values.reduce((acc, v) => acc.int(field, v), w)],
    ['packed', packedInts],
  ])('reads 8- and 16-bit types from int32_data, one element per int32 (%s)', (_, put) => {
    // Negative int8 values are sign-extended 10-byte varints; float16 is the half's bit pattern.
    const i8 = put(header([4], 3, 'i8'), TENSOR.int32Data, [-128, -1, 0, 127]).finish();
    const u8 = put(header([2], 2, 'u8'), TENSOR.int32Data, [0, 255]).finish();
    const f16 = put(header([2], 10, 'h'), TENSOR.int32Data, [0x3c00, 0xc000]).finish();
    const i32 = put(header([2], 6, 'i32'), TENSOR.int32Data, [-2147483648, 2147483647]).finish();
    expect(decodeOnnxModel(modelWith(i8, u8, f16, i32)).graph.initializers).toEqual([
      { name: 'i8', dataType: 'int8', dims: [4], data: Int8Array.of(-128, -1, 0, 127) },
      { name: 'u8', dataType: 'uint8', dims: [2], data: Uint8Array.of(0, 255) },
      { name: 'h', dataType: 'float16', dims: [2], data: Uint16Array.of(0x3c00, 0xc000) },
      { name: 'i32', dataType: 'int32', dims: [2], data: Int32Array.of(-2147483648, 2147483647) },
    ]);
  });

  it('reads int64_data past 2^53 exactly, packed and unpacked', () => {
    const max = 2n ** 63n - 1n;
    const unpacked = header([2], 7, 'ends').int(TENSOR.int64Data, max).int(TENSOR.int64Data, -(2n ** 63n)).finish();
    const packed = packedInts(header([2], 7, 'starts'), TENSOR.int64Data, [-1, 2n ** 53n + 1n]).finish();
    const [a, b] = decodeOnnxModel(modelWith(unpacked, packed)).graph.initializers;
    expect(a?.data).toEqual(BigInt64Array.of(max, -(2n ** 63n)));
    expect(b?.data).toEqual(BigInt64Array.of(-1n, 2n ** 53n + 1n));
  });

  it('reads float_data packed and unpacked', () => {
    const unpacked = header([2], 1, 'a').float(TENSOR.floatData, 1.5).float(TENSOR.floatData, -0.25).finish();
    const body = new Uint8Array(new Float32Array([3, -4]).buffer);
    const packed = header([1, 2], 1, 'b').bytes(TENSOR.floatData, body).finish();
    const [a, b] = decodeOnnxModel(modelWith(unpacked, packed)).graph.initializers;
    expect(a?.data).toEqual(Float32Array.of(1.5, -0.25));
    expect(b).toEqual({ name: 'b', dataType: 'float32', dims: [1, 2], data: Float32Array.of(3, -4) });
  });

  it('rejects int32_data values outside the element type, naming tensor and index', () => {
    const bytes = modelWith(header([2], 3, 'w').int(TENSOR.int32Data, 5).int(TENSOR.int32Data, 200).finish());
    expect(() => decodeOnnxModel(bytes, 'm.onnx')).toThrow(BadFileError);
    expect(() => decodeOnnxModel(bytes, 'm.onnx')).toThrow("m.onnx: not a valid ONNX model: tensor 'w' (int8) int32_data[1] = 200 is outside [-128, 127]");
  });

  it('names the tensor, type, field and expected count when the value count does not match the dims', () => {
    const short = modelWith(header([2, 2], 3, 'w').int(TENSOR.int32Data, 1).int(TENSOR.int32Data, 2).int(TENSOR.int32Data, 3).finish());
    expect(() => decodeOnnxModel(short, 'm.onnx')).toThrow("tensor 'w' (int8) has 3 values in int32_data for dims [2, 2], expected 4");
    const raw = modelWith(header([2, 2], 6, 'b').bytes(TENSOR.rawData, new Uint8Array(12)).finish());
    expect(() => decodeOnnxModel(raw, 'm.onnx')).toThrow("tensor 'b' (int32) raw_data has 12 bytes, expected 16");
  });

  it('rejects data in a field the element type does not use', () => {
    const bytes = modelWith(header([1], 1, 'w').bytes(TENSOR.doubleData, new Uint8Array(8)).finish());
    expect(() => decodeOnnxModel(bytes, 'm.onnx')).toThrow("tensor 'w' (float32) stores its values in double_data, which is not the field onnx.proto uses for float32 (raw_data or float_data)");
  });

  it('names an element type it does not model instead of miscounting', () => {
    const bytes = modelWith(header([1], 11, 'd').bytes(TENSOR.rawData, new Uint8Array(8)).finish());
    expect(() => decodeOnnxModel(bytes, 'm.onnx')).toThrow(UnsupportedError);
    expect(() => decodeOnnxModel(bytes, 'm.onnx')).toThrow(/^m\.onnx: Unsupported tensor data type 11 in tensor 'd'\. Supported: float32 \(1\), uint8 \(2\)/);
  });

  it('refuses external data, naming the tensor and the file it points at', () => {
    const tensor = header([4], 1, 'big')
      .message(TENSOR.externalData, (e) => e.string(STRING_ENTRY.key, 'location').string(STRING_ENTRY.value, 'weights.bin'))
      .message(TENSOR.externalData, (e) => e.string(STRING_ENTRY.key, 'offset').string(STRING_ENTRY.value, '0'))
      .int(TENSOR.dataLocation, 1)
      .finish();
    const call = () => decodeOnnxModel(modelWith(tensor), 'm.onnx');
    expect(call).toThrow(UnsupportedError);
    expect(call).toThrow("m.onnx: Tensor 'big' keeps its data in an external file ('weights.bin'); decodeOnnxModel reads self-contained models only");
  });

  it('refuses segmented tensors', () => {
    const tensor = header([1], 1, 's')
      .message(TENSOR.segment, (s) => s.int(1, 0).int(2, 1))
      .float(TENSOR.floatData, 1)
      .finish();
    expect(() => decodeOnnxModel(modelWith(tensor), 'm.onnx')).toThrow("m.onnx: Tensor 's' is split into segments");
  });

  it('refuses sparse initializers instead of silently dropping them', () => {
    const values = header([1], 1, 'sp').float(TENSOR.floatData, 2).finish();
    const indices = header([1], 7, '').int(TENSOR.int64Data, 3).finish();
    const bytes = new ProtobufWriter()
      .int(MODEL.irVersion, 7)
      .message(MODEL.graph, (g) => g.string(GRAPH.name, 'g').message(GRAPH.sparseInitializer, (s) => s.bytes(1, values).bytes(2, indices).int(3, 8)))
      .finish();
    const call = () => decodeOnnxModel(bytes, 'm.onnx');
    expect(call).toThrow(UnsupportedError);
    expect(call).toThrow("m.onnx: Sparse initializer 'sp' in graph 'g': decodeOnnxModel reads dense initializers only");
  });
});
