// Serialise an OnnxModel to ONNX protobuf bytes (ModelProto), with tensors as little-endian raw_data.

import { ONNX_DATA_TYPES, type OnnxAttribute, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from '../onnx/onnx-model.ts';
import { ATTRIBUTE, ATTRIBUTE_TYPE, DIMENSION, GRAPH, MODEL, NODE, OPSET_ID, SHAPE, STRING_ENTRY, TENSOR, TENSOR_TYPE, TYPE, VALUE_INFO } from './onnx-fields.ts';
import { ProtobufWriter } from './protobuf-writer.ts';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The tensor's elements as ONNX raw_data: packed little-endian, whatever the host byte order. */
export function tensorRawData(tensor: OnnxTensor): Uint8Array {
  const { data } = tensor;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN_HOST || data.BYTES_PER_ELEMENT === 1) return bytes;
  const out = new Uint8Array(data.byteLength);
  const width = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < out.length; i += width) for (let b = 0; b < width; b++) out[i + b] = bytes[i + width - 1 - b] as number;
  return out;
}

function writeTensor(w: ProtobufWriter, tensor: OnnxTensor): void {
  for (const d of tensor.dims) w.int(TENSOR.dims, d);
  w.int(TENSOR.dataType, ONNX_DATA_TYPES[tensor.dataType]);
  if (tensor.name !== '') w.string(TENSOR.name, tensor.name);
  w.bytes(TENSOR.rawData, tensorRawData(tensor));
}

function writeAttribute(w: ProtobufWriter, attr: OnnxAttribute): void {
  w.string(ATTRIBUTE.name, attr.name);
  switch (attr.type) {
    case 'int':
      w.int(ATTRIBUTE.i, attr.value);
      break;
    case 'float':
      w.float(ATTRIBUTE.f, attr.value);
      break;
    case 'string':
      w.string(ATTRIBUTE.s, attr.value);
      break;
    case 'tensor':
      w.message(ATTRIBUTE.t, (t) => writeTensor(t, attr.value));
      break;
    case 'ints':
      for (const v of attr.value) w.int(ATTRIBUTE.ints, v);
      break;
    case 'floats':
      for (const v of attr.value) w.float(ATTRIBUTE.floats, v);
      break;
  }
  w.int(ATTRIBUTE.type, ATTRIBUTE_TYPE[attr.type]);
}

function writeNode(w: ProtobufWriter, node: OnnxNode): void {
  for (const input of node.inputs) w.string(NODE.input, input);
  for (const output of node.outputs) w.string(NODE.output, output);
  if (node.name !== '') w.string(NODE.name, node.name);
  w.string(NODE.opType, node.opType);
  for (const attr of node.attributes) w.message(NODE.attribute, (a) => writeAttribute(a, attr));
  if (node.domain !== '') w.string(NODE.domain, node.domain);
}

function writeValueInfo(w: ProtobufWriter, info: OnnxValueInfo): void {
  w.string(VALUE_INFO.name, info.name);
  w.message(VALUE_INFO.type, (type) =>
    type.message(TYPE.tensorType, (tensorType) => {
      tensorType.int(TENSOR_TYPE.elemType, ONNX_DATA_TYPES[info.elemType]);
      if (info.shape === undefined) return;
      const shape = info.shape;
      tensorType.message(TENSOR_TYPE.shape, (s) => {
        for (const dim of shape) {
          s.message(SHAPE.dim, (d) => (typeof dim === 'number' ? d.int(DIMENSION.dimValue, dim) : d.string(DIMENSION.dimParam, dim)));
        }
      });
    }),
  );
}

function writeGraph(w: ProtobufWriter, graph: OnnxGraph): void {
  for (const node of graph.nodes) w.message(GRAPH.node, (n) => writeNode(n, node));
  w.string(GRAPH.name, graph.name);
  for (const tensor of graph.initializers) w.message(GRAPH.initializer, (t) => writeTensor(t, tensor));
  for (const input of graph.inputs) w.message(GRAPH.input, (v) => writeValueInfo(v, input));
  for (const output of graph.outputs) w.message(GRAPH.output, (v) => writeValueInfo(v, output));
  for (const info of graph.valueInfo) w.message(GRAPH.valueInfo, (v) => writeValueInfo(v, info));
}

/**
 * Encode `model` as an ONNX file's bytes (a serialized ModelProto), ready for
 * `ort.InferenceSession.create(bytes)` or `writeFile('model.onnx', bytes)`.
 */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtobufWriter();
  w.int(MODEL.irVersion, model.irVersion);
  w.string(MODEL.producerName, model.producerName);
  w.string(MODEL.producerVersion, model.producerVersion);
  if (model.docString !== '') w.string(MODEL.docString, model.docString);
  w.message(MODEL.graph, (g) => writeGraph(g, model.graph));
  for (const opset of model.opsetImports) {
    w.message(MODEL.opsetImport, (o) => {
      if (opset.domain !== '') o.string(OPSET_ID.domain, opset.domain);
      o.int(OPSET_ID.version, opset.version);
    });
  }
  for (const [key, value] of Object.entries(model.metadata)) {
    w.message(MODEL.metadataProps, (e) => e.string(STRING_ENTRY.key, key).string(STRING_ENTRY.value, value));
  }
  return w.finish();
}
