// Test helper: a valid ONNX linear classifier, logits = Flatten(input_values) x W + b, built with quantize's ONNX IR.

import { encodeOnnxModel, type OnnxModel } from '@whittle/quantize';

export interface LinearClassifier {
  readonly frames: number;
  readonly bins: number;
  readonly numClasses: number;
  /** Row-major [frames * bins, numClasses]. */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

/** IR 7, opset 13: input `input_values` [N, frames, bins], output `logits` [N, classes]. */
export function linearClassifierModel(model: LinearClassifier): OnnxModel {
  const { frames, bins, numClasses } = model;
  return {
    irVersion: 7,
    opsetImports: [{ domain: '', version: 13 }],
    producerName: 'whittle-eval-test',
    producerVersion: '',
    docString: '',
    graph: {
      name: 'linear',
      nodes: [
        { name: 'flatten', opType: 'Flatten', domain: '', inputs: ['input_values'], outputs: ['flat'], attributes: [{ name: 'axis', type: 'int', value: 1 }] },
        // Gemm defaults (alpha 1, beta 1, no transposes): flat [N, frames * bins] x W [frames * bins, classes] + B.
        { name: 'gemm', opType: 'Gemm', domain: '', inputs: ['flat', 'W', 'B'], outputs: ['logits'], attributes: [] },
      ],
      initializers: [
        { name: 'W', dataType: 'float32', dims: [frames * bins, numClasses], data: model.weights },
        { name: 'B', dataType: 'float32', dims: [numClasses], data: model.bias },
      ],
      inputs: [{ name: 'input_values', elemType: 'float32', shape: ['batch', frames, bins] }],
      outputs: [{ name: 'logits', elemType: 'float32', shape: ['batch', numClasses] }],
      valueInfo: [],
    },
    metadata: {},
  };
}

/** The classifier as ONNX file bytes, ready for `writeFile('model.onnx', ...)` or an onnxruntime session. */
export function encodeLinearClassifier(model: LinearClassifier): Uint8Array {
  return encodeOnnxModel(linearClassifierModel(model));
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
