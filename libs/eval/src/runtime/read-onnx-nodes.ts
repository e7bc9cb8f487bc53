// The node list of a serialized ONNX model, read straight off the protobuf wire format.
//
// Why not @whittle/quantize's decodeOnnxModel: graphs onnxruntime saves after optimization hold
// contrib-domain nodes and tensor encodings that decoder validates strictly and rejects, and all a
// latency report needs from them is which ops ran, so this reader skips everything but the nodes.

import { BadFileError } from '@whittle/datasets';

/** One node as ONNX stores it; `domain` '' is the default ai.onnx domain. */
export interface OnnxNodeSummary {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
}

// Field numbers from onnx.proto3: ModelProto.graph = 7, GraphProto.node = 1,
// NodeProto.name = 3, NodeProto.op_type = 4, NodeProto.domain = 7.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const NODE_NAME = 3;
const NODE_OP_TYPE = 4;
const NODE_DOMAIN = 7;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Call `onField(field, bytes)` for every length-delimited field of one message; other wire types are skipped. */
function forEachField(bytes: Uint8Array, source: string, onField: (field: number, value: Uint8Array) => void): void {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (pos >= bytes.length) throw new BadFileError(source, 'not a valid ONNX model: truncated varint');
      const b = bytes[pos++] as number;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new BadFileError(source, 'not a valid ONNX model: varint longer than 10 bytes');
    }
  };
  while (pos < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = varint();
      if (pos + len > bytes.length) throw new BadFileError(source, `not a valid ONNX model: field ${field} runs ${pos + len - bytes.length} bytes past the end`);
      onField(field, bytes.subarray(pos, pos + len));
      pos += len;
    } else throw new BadFileError(source, `not a valid ONNX model: unsupported protobuf wire type ${wire} (field ${field})`);
    if (pos > bytes.length) throw new BadFileError(source, 'not a valid ONNX model: truncated field');
  }
}

/**
 * The top-level graph's nodes (names, op types, domains) of the ONNX model `bytes`, in file order.
 * Subgraphs (If/Loop bodies) are not listed.
 */
export function readOnnxNodes(bytes: Uint8Array, source = '<onnx bytes>'): OnnxNodeSummary[] {
  const nodes: OnnxNodeSummary[] = [];
  let graphs = 0;
  forEachField(bytes, source, (field, graph) => {
    if (field !== MODEL_GRAPH) return;
    graphs++;
    forEachField(graph, source, (gField, node) => {
      if (gField !== GRAPH_NODE) return;
      let name = '';
      let opType = '';
      let domain = '';
      forEachField(node, source, (nField, value) => {
        if (nField === NODE_NAME) name = utf8.decode(value);
        else if (nField === NODE_OP_TYPE) opType = utf8.decode(value);
        else if (nField === NODE_DOMAIN) domain = utf8.decode(value);
      });
      if (opType === '') throw new BadFileError(source, `not a valid ONNX model: node ${nodes.length} ('${name}') has no op_type`);
      nodes.push({ name, opType, domain });
    });
  });
  if (graphs === 0) throw new BadFileError(source, 'not a valid ONNX model: no graph', 'expected a serialized onnx.ModelProto (.onnx file)');
  return nodes;
}
