// Test helper: a valid ONNX linear classifier, logits = Flatten(input_values) x W + b, encoded by hand.

import { ProtobufWriter } from './protobuf-writer.ts';

export interface LinearClassifier {
  readonly frames: number;
  readonly bins: number;
  readonly numClasses: number;
  /** Row-major [frames * bins, numClasses]. */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

// onnx.proto enum values used below.
const FLOAT = 1;
const ATTR_INT = 2;

function floatTensor(w: ProtobufWriter, name: string, dims: readonly number[], data: Float32Array): void {
  for (const d of dims) w.int(1, d);
  w.int(2, FLOAT);
  w.string(8, name);
  w.bytesField(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)); // raw_data, little-endian
}

function valueInfo(w: ProtobufWriter, name: string, dims: readonly (number | string)[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, FLOAT);
      tensor.message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** ONNX bytes (IR 7, opset 13) with input `input_values` [N, frames, bins] and output `logits` [N, classes]. */
export function encodeLinearClassifier(model: LinearClassifier): Uint8Array {
  const { frames, bins, numClasses } = model;
  return new ProtobufWriter()
    .int(1, 7) // ir_version
    .string(2, 'whittle-eval-test') // producer_name
    .message(7, (graph) => {
      graph.message(1, (node) => {
        node.string(1, 'input_values').string(2, 'flat').string(3, 'flatten').string(4, 'Flatten');
        node.message(5, (attr) => attr.string(1, 'axis').int(3, 1).int(20, ATTR_INT));
      });
      graph.message(1, (node) => node.string(1, 'flat').string(1, 'W').string(1, 'B').string(2, 'logits').string(3, 'gemm').string(4, 'Gemm'));
      graph.string(2, 'linear');
      graph.message(5, (t) => floatTensor(t, 'W', [frames * bins, numClasses], model.weights));
      graph.message(5, (t) => floatTensor(t, 'B', [numClasses], model.bias));
      graph.message(11, (v) => valueInfo(v, 'input_values', ['batch', frames, bins]));
      graph.message(12, (v) => valueInfo(v, 'logits', ['batch', numClasses]));
    })
    .message(8, (opset) => opset.string(1, '').int(2, 13))
    .finish();
}

/** The same logits computed in JS (float64 sums, exact when inputs and weights are small integers). */
export function linearLogits(model: LinearClassifier, features: Float32Array, count: number): Float32Array {
  const inDim = model.frames * model.bins;
  const out = new Float32Array(count * model.numClasses);
  for (let r = 0; r < count; r++) {
    for (let c = 0; c < model.numClasses; c++) {
      let s = model.bias[c] as number;
      for (let k = 0; k < inDim; k++) s += (features[r * inDim + k] as number) * (model.weights[k * model.numClasses + c] as number);
      out[r * model.numClasses + c] = s;
    }
  }
  return out;
}
