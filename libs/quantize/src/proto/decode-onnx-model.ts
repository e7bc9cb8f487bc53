// Parse ONNX protobuf bytes back into an OnnxModel (the fields encodeOnnxModel writes, plus typed-data tensors).

import { BadFileError, UnsupportedError } from '@whittle/datasets';
import { ONNX_DATA_TYPES, bytesPerElement, elementCount, type OnnxAttribute, type OnnxDataType, type OnnxDim, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxOpsetImport, type OnnxTensor, type OnnxValueInfo } from '../onnx/onnx-model.ts';
import { ATTRIBUTE, ATTRIBUTE_TYPE, DATA_LOCATION, DIMENSION, GRAPH, MODEL, NODE, OPSET_ID, SHAPE, STRING_ENTRY, TENSOR, TENSOR_TYPE, TYPE, VALUE_INFO } from './onnx-fields.ts';
import { ProtobufFormatError, ProtobufReader } from './protobuf-reader.ts';

const DATA_TYPE_BY_CODE = new Map<number, OnnxDataType>(Object.entries(ONNX_DATA_TYPES).map(([name, code]) => [code, name as OnnxDataType]));

function dataTypeOf(code: number, where: string): OnnxDataType {
  const type = DATA_TYPE_BY_CODE.get(code);
  if (type === undefined) {
    throw new UnsupportedError(`Unsupported tensor data type ${code} in ${where}. Supported: ${Object.entries(ONNX_DATA_TYPES).map(([n, c]) => `${n} (${c})`).join(', ')}`);
  }
  return type;
}

function fromLittleEndian(type: OnnxDataType, raw: Uint8Array, count: number, name: string): OnnxTensor['data'] {
  if (raw.length !== count * bytesPerElement(type)) throw new ProtobufFormatError(`tensor '${name}' (${type}) raw_data has ${raw.length} bytes, expected ${count * bytesPerElement(type)}`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (type) {
    case 'float32':
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
    case 'int32':
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true));
    case 'int64':
      return BigInt64Array.from({ length: count }, (_, i) => view.getBigInt64(8 * i, true));
    case 'float16':
      return Uint16Array.from({ length: count }, (_, i) => view.getUint16(2 * i, true));
    // Copy through the typed-array constructors: `raw.slice().buffer` is not a copy when the caller
    // passed a Node Buffer (Buffer#slice returns a view), and would give the whole file's bytes.
    case 'int8':
      return new Int8Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    case 'uint8':
      return new Uint8Array(raw);
  }
}

/** The typed field onnx.proto stores each data type in when raw_data is not used. */
const TYPED_FIELD = Object.freeze({ float32: 'float_data', int32: 'int32_data', int8: 'int32_data', uint8: 'int32_data', float16: 'int32_data', int64: 'int64_data' } satisfies Record<OnnxDataType, string>);

/** Value range of each type stored in int32_data (8/16-bit types are widened, one element per int32). */
const INT32_DATA_RANGE: Partial<Record<OnnxDataType, readonly [number, number]>> = { int32: [-(2 ** 31), 2 ** 31 - 1], int8: [-128, 127], uint8: [0, 255], float16: [0, 0xffff] };

function fromTypedFields(type: OnnxDataType, floats: number[], int32s: number[], int64s: bigint[], name: string): OnnxTensor['data'] {
  // The typed-array constructors below would wrap out-of-range values silently.
  const range = INT32_DATA_RANGE[type];
  if (range !== undefined) {
    const bad = int32s.findIndex((v) => v < range[0] || v > range[1]);
    if (bad >= 0) throw new ProtobufFormatError(`tensor '${name}' (${type}) int32_data[${bad}] = ${int32s[bad]} is outside [${range[0]}, ${range[1]}]`);
  }
  switch (type) {
    case 'float32':
      return Float32Array.from(floats);
    case 'int32':
      return Int32Array.from(int32s);
    case 'int8':
      return Int8Array.from(int32s);
    case 'uint8':
      return Uint8Array.from(int32s);
    case 'int64':
      return BigInt64Array.from(int64s);
    case 'float16':
      // onnx.proto keeps float16 in int32_data as the half's bit pattern, one value per int32.
      return Uint16Array.from(int32s);
  }
}

/** TensorProto fields that hold data of types Whittle does not model; present means the tensor cannot be read. */
const UNMODELLED_DATA_FIELDS = new Map<number, string>([
  [TENSOR.stringData, 'string_data'],
  [TENSOR.doubleData, 'double_data'],
  [TENSOR.uint64Data, 'uint64_data'],
]);

/** A StringStringEntryProto (metadata_props, external_data). */
function readStringEntry(e: ProtobufReader): { key: string; value: string } {
  let key = '';
  let value = '';
  while (!e.done()) {
    const t = e.tag();
    if (t.field === STRING_ENTRY.key) key = e.string();
    else if (t.field === STRING_ENTRY.value) value = e.string();
    else e.skip(t.wireType);
  }
  return { key, value };
}

function readTensor(r: ProtobufReader): OnnxTensor {
  const dims: number[] = [];
  let code = 0;
  let name = '';
  let raw: Uint8Array | undefined;
  const floats: number[] = [];
  const int32s: number[] = [];
  const int64s: bigint[] = [];
  let location = 0;
  let external = false;
  let externalFile = '';
  let segmented = false;
  const unmodelled = new Set<string>();
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === TENSOR.dims) dims.push(...r.ints(wireType));
    else if (field === TENSOR.dataType) code = r.int();
    else if (field === TENSOR.name) name = r.string();
    else if (field === TENSOR.rawData) raw = r.bytesView();
    else if (field === TENSOR.floatData) floats.push(...r.floats(wireType));
    else if (field === TENSOR.int32Data) int32s.push(...r.ints(wireType));
    else if (field === TENSOR.int64Data) int64s.push(...r.bigints(wireType));
    else if (field === TENSOR.dataLocation) location = r.int();
    else if (field === TENSOR.externalData) {
      const { key, value } = readStringEntry(r.message());
      external = true;
      if (key === 'location') externalFile = value;
    } else if (field === TENSOR.segment) {
      segmented = true;
      r.skip(wireType);
    } else {
      const unknown = UNMODELLED_DATA_FIELDS.get(field);
      if (unknown !== undefined) unmodelled.add(unknown);
      r.skip(wireType);
    }
  }
  if (location === DATA_LOCATION.external || external) {
    throw new UnsupportedError(
      `Tensor '${name}' keeps its data in an external file${externalFile === '' ? '' : ` ('${externalFile}')`}; decodeOnnxModel reads self-contained models only`,
      'save the model with its weights inside the .onnx file (python: onnx.save(onnx.load(path), out, save_as_external_data=False))',
    );
  }
  if (segmented) throw new UnsupportedError(`Tensor '${name}' is split into segments (TensorProto.segment), which decodeOnnxModel does not support`);
  const dataType = dataTypeOf(code, `tensor '${name}'`);
  const count = elementCount(dims);
  if (raw === undefined && unmodelled.size > 0) {
    throw new ProtobufFormatError(`tensor '${name}' (${dataType}) stores its values in ${[...unmodelled].join(', ')}, which is not the field onnx.proto uses for ${dataType} (raw_data or ${TYPED_FIELD[dataType]})`);
  }
  const data = raw !== undefined ? fromLittleEndian(dataType, raw, count, name) : fromTypedFields(dataType, floats, int32s, int64s, name);
  if (data.length !== count) {
    throw new ProtobufFormatError(`tensor '${name}' (${dataType}) has ${data.length} values in ${raw !== undefined ? 'raw_data' : TYPED_FIELD[dataType]} for dims [${dims.join(', ')}], expected ${count}`);
  }
  return { name, dataType, dims, data } as OnnxTensor;
}

function readAttribute(r: ProtobufReader, nodeName: string): OnnxAttribute {
  let name = '';
  let type = 0;
  let i = 0;
  let f = 0;
  let s = '';
  let t: OnnxTensor | undefined;
  const ints: number[] = [];
  const floats: number[] = [];
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === ATTRIBUTE.name) name = r.string();
    else if (field === ATTRIBUTE.type) type = r.int();
    else if (field === ATTRIBUTE.i) i = r.int();
    else if (field === ATTRIBUTE.f) f = r.float();
    else if (field === ATTRIBUTE.s) s = r.string();
    else if (field === ATTRIBUTE.t) t = readTensor(r.message());
    else if (field === ATTRIBUTE.ints) ints.push(...r.ints(wireType));
    else if (field === ATTRIBUTE.floats) floats.push(...r.floats(wireType));
    else r.skip(wireType);
  }
  switch (type) {
    case ATTRIBUTE_TYPE.int:
      return { name, type: 'int', value: i };
    case ATTRIBUTE_TYPE.float:
      return { name, type: 'float', value: f };
    case ATTRIBUTE_TYPE.string:
      return { name, type: 'string', value: s };
    case ATTRIBUTE_TYPE.ints:
      return { name, type: 'ints', value: ints };
    case ATTRIBUTE_TYPE.floats:
      return { name, type: 'floats', value: floats };
    case ATTRIBUTE_TYPE.tensor:
      if (t === undefined) throw new ProtobufFormatError(`attribute '${name}' of node '${nodeName}' has no tensor`);
      return { name, type: 'tensor', value: t };
    default:
      throw new UnsupportedError(`Unsupported attribute type ${type} (attribute '${name}' of node '${nodeName}'). Supported: ${Object.keys(ATTRIBUTE_TYPE).join(', ')}`);
  }
}

function readNode(r: ProtobufReader): OnnxNode {
  const inputs: string[] = [];
  const outputs: string[] = [];
  let name = '';
  let opType = '';
  let domain = '';
  const attrReaders: ProtobufReader[] = [];
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === NODE.input) inputs.push(r.string());
    else if (field === NODE.output) outputs.push(r.string());
    else if (field === NODE.name) name = r.string();
    else if (field === NODE.opType) opType = r.string();
    else if (field === NODE.domain) domain = r.string();
    else if (field === NODE.attribute) attrReaders.push(r.message());
    else r.skip(wireType);
  }
  const label = name || opType;
  return { name, opType, domain, inputs, outputs, attributes: attrReaders.map((a) => readAttribute(a, label)) };
}

function readValueInfo(r: ProtobufReader): OnnxValueInfo {
  let name = '';
  let elemType: OnnxDataType = 'float32';
  let shape: OnnxDim[] | undefined;
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === VALUE_INFO.name) name = r.string();
    else if (field === VALUE_INFO.type) {
      const type = r.message();
      while (!type.done()) {
        const t = type.tag();
        if (t.field !== TYPE.tensorType) {
          type.skip(t.wireType);
          continue;
        }
        const tensorType = type.message();
        while (!tensorType.done()) {
          const tt = tensorType.tag();
          if (tt.field === TENSOR_TYPE.elemType) elemType = dataTypeOf(tensorType.int(), `value '${name}'`);
          else if (tt.field === TENSOR_TYPE.shape) {
            shape = [];
            const s = tensorType.message();
            while (!s.done()) {
              const st = s.tag();
              if (st.field !== SHAPE.dim) {
                s.skip(st.wireType);
                continue;
              }
              const d = s.message();
              let dim: OnnxDim = '';
              while (!d.done()) {
                const dt = d.tag();
                if (dt.field === DIMENSION.dimValue) dim = d.int();
                else if (dt.field === DIMENSION.dimParam) dim = d.string();
                else d.skip(dt.wireType);
              }
              shape.push(dim);
            }
          } else tensorType.skip(tt.wireType);
        }
      }
    } else r.skip(wireType);
  }
  return { name, elemType, shape };
}

/** The name of a SparseTensorProto: the name of its `values` TensorProto (field 1). */
function sparseTensorName(r: ProtobufReader): string {
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field !== 1) {
      r.skip(wireType);
      continue;
    }
    const values = r.message();
    while (!values.done()) {
      const t = values.tag();
      if (t.field === TENSOR.name) return values.string();
      values.skip(t.wireType);
    }
  }
  return '';
}

function readGraph(r: ProtobufReader): OnnxGraph {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const valueInfo: OnnxValueInfo[] = [];
  let name = '';
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === GRAPH.node) nodes.push(readNode(r.message()));
    else if (field === GRAPH.name) name = r.string();
    else if (field === GRAPH.initializer) initializers.push(readTensor(r.message()));
    else if (field === GRAPH.input) inputs.push(readValueInfo(r.message()));
    else if (field === GRAPH.output) outputs.push(readValueInfo(r.message()));
    else if (field === GRAPH.valueInfo) valueInfo.push(readValueInfo(r.message()));
    else if (field === GRAPH.sparseInitializer) {
      // Skipping it would silently drop a weight the graph reads; OnnxGraph has no sparse form.
      throw new UnsupportedError(`Sparse initializer '${sparseTensorName(r.message())}' in graph '${name}': decodeOnnxModel reads dense initializers only`, 'store it as a dense TensorProto in graph.initializer');
    } else r.skip(wireType);
  }
  return { name, nodes, initializers, inputs, outputs, valueInfo };
}

/**
 * Decode ONNX protobuf bytes into an OnnxModel. `source` names the bytes in errors (a file path).
 * `bytes` may be a Node Buffer straight from readFile: tensor data is always copied out of it.
 * Fields Whittle does not model (doc strings of nodes, training info, functions) are skipped;
 * data it cannot represent (external data, sparse initializers, other element types) throws an
 * UnsupportedError naming the file and tensor, and malformed bytes a BadFileError.
 *
 * @example
 * const model = decodeOnnxModel(await readFile('onnx/model_int8.onnx'), 'onnx/model_int8.onnx');
 */
export function decodeOnnxModel(bytes: Uint8Array, source = '<onnx bytes>'): OnnxModel {
  try {
    const r = new ProtobufReader(bytes);
    let irVersion = 0;
    let producerName = '';
    let producerVersion = '';
    let docString = '';
    let graph: OnnxGraph | undefined;
    const opsetImports: OnnxOpsetImport[] = [];
    const metadata: Record<string, string> = {};
    while (!r.done()) {
      const { field, wireType } = r.tag();
      if (field === MODEL.irVersion) irVersion = r.int();
      else if (field === MODEL.producerName) producerName = r.string();
      else if (field === MODEL.producerVersion) producerVersion = r.string();
      else if (field === MODEL.docString) docString = r.string();
      else if (field === MODEL.graph) graph = readGraph(r.message());
      else if (field === MODEL.opsetImport) {
        const o = r.message();
        let domain = '';
        let version = 0;
        while (!o.done()) {
          const t = o.tag();
          if (t.field === OPSET_ID.domain) domain = o.string();
          else if (t.field === OPSET_ID.version) version = o.int();
          else o.skip(t.wireType);
        }
        opsetImports.push({ domain, version });
      } else if (field === MODEL.metadataProps) {
        const { key, value } = readStringEntry(r.message());
        metadata[key] = value;
      } else r.skip(wireType);
    }
    if (graph === undefined) throw new ProtobufFormatError('ModelProto has no graph');
    return { irVersion, opsetImports, producerName, producerVersion, docString, graph, metadata };
  } catch (err) {
    if (err instanceof ProtobufFormatError || err instanceof TypeError) {
      throw new BadFileError(source, `not a valid ONNX model: ${err.message}`, 'expected a serialized onnx.ModelProto (.onnx file)');
    }
    // A valid file using a feature Whittle does not model: say which file, keep the hint.
    if (err instanceof UnsupportedError) throw new UnsupportedError(`${source}: ${err.message}`, err.hint);
    throw err;
  }
}
