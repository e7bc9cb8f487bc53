// Test helper: a seeded DS-CNN in miniature (Conv, depthwise Conv, pointwise Conv, pool, Gemm) as ONNX fp32 and int8 QDQ.

import { SeededRandom } from '@whittle/datasets';
import { collectMinMax, DEFAULT_STATIC_QUANTIZE_CONFIG, quantizeStatic, type OnnxModel, type OnnxNode, type OnnxTensor } from '@whittle/quantize';

/** Input [N, 8, 5]: big enough for a 3x3 conv with padding, small enough that a session runs in microseconds. */
export const TINY_CONV_DIMS = Object.freeze({ frames: 8, bins: 5, channels: 4, classes: 3 });

/** The node names of tinyConvModel(), in graph order: a profile of the unoptimized graph must list each. */
export const TINY_CONV_NODES = Object.freeze(['to_image', 'conv_1', 'conv_1_relu', 'dw_1', 'dw_1_relu', 'pw_1', 'pw_1_relu', 'pool', 'pool_flat', 'logits']);

const node = (name: string, opType: string, inputs: string[], outputs: string[], attributes: OnnxNode['attributes'] = []): OnnxNode => ({ name, opType, domain: '', inputs, outputs, attributes });

/**
 * IR 7, opset 13: `input_values` [N, 8, 5] -> Reshape [N, 1, 8, 5] -> Conv 3x3 (4 ch) -> Relu -> depthwise
 * Conv 3x3 -> Relu -> Conv 1x1 -> Relu -> GlobalAveragePool -> Flatten -> Gemm -> `logits` [N, 3].
 * The same op sequence as the exported DS-CNN, so onnxruntime applies the same fusions to it.
 */
export function tinyConvModel(seed = 11): OnnxModel {
  const { frames, bins, channels: c, classes } = TINY_CONV_DIMS;
  const rng = new SeededRandom(seed);
  const floats = (name: string, dims: number[], scale: number): OnnxTensor => ({
    name,
    dataType: 'float32',
    dims,
    data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => scale * rng.normal()),
  });
  const pads = { name: 'pads', type: 'ints', value: [1, 1, 1, 1] } as const;
  const kernel = { name: 'kernel_shape', type: 'ints', value: [3, 3] } as const;
  return {
    irVersion: 7,
    opsetImports: [{ domain: '', version: 13 }],
    producerName: 'whittle-eval-test',
    producerVersion: '',
    docString: '',
    graph: {
      name: 'tiny_ds_cnn',
      nodes: [
        node('to_image', 'Reshape', ['input_values', 'image_shape'], ['image']),
        node('conv_1', 'Conv', ['image', 'conv_1_w', 'conv_1_b'], ['conv_1_out'], [kernel, pads]),
        node('conv_1_relu', 'Relu', ['conv_1_out'], ['conv_1_act']),
        node('dw_1', 'Conv', ['conv_1_act', 'dw_1_w', 'dw_1_b'], ['dw_1_out'], [kernel, pads, { name: 'group', type: 'int', value: c }]),
        node('dw_1_relu', 'Relu', ['dw_1_out'], ['dw_1_act']),
        node('pw_1', 'Conv', ['dw_1_act', 'pw_1_w', 'pw_1_b'], ['pw_1_out'], [{ name: 'kernel_shape', type: 'ints', value: [1, 1] }]),
        node('pw_1_relu', 'Relu', ['pw_1_out'], ['pw_1_act']),
        node('pool', 'GlobalAveragePool', ['pw_1_act'], ['pooled']),
        node('pool_flat', 'Flatten', ['pooled'], ['flat'], [{ name: 'axis', type: 'int', value: 1 }]),
        node('logits', 'Gemm', ['flat', 'dense_w', 'dense_b'], ['logits'], [{ name: 'transB', type: 'int', value: 1 }]),
      ],
      initializers: [
        { name: 'image_shape', dataType: 'int64', dims: [4], data: BigInt64Array.from([-1n, 1n, BigInt(frames), BigInt(bins)]) },
        floats('conv_1_w', [c, 1, 3, 3], 0.5),
        floats('conv_1_b', [c], 0.1),
        floats('dw_1_w', [c, 1, 3, 3], 0.5),
        floats('dw_1_b', [c], 0.1),
        floats('pw_1_w', [c, c, 1, 1], 0.5),
        floats('pw_1_b', [c], 0.1),
        floats('dense_w', [classes, c], 0.5),
        floats('dense_b', [classes], 0.1),
      ],
      inputs: [{ name: 'input_values', elemType: 'float32', shape: ['batch', frames, bins] }],
      outputs: [{ name: 'logits', elemType: 'float32', shape: ['batch', classes] }],
      valueInfo: [],
    },
    metadata: {},
  };
}

/** `count` seeded inputs of shape [frames, bins], row-major one after another. */
export function tinyConvInputs(count: number, seed = 12): Float32Array {
  const rng = new SeededRandom(seed);
  return Float32Array.from({ length: count * TINY_CONV_DIMS.frames * TINY_CONV_DIMS.bins }, () => rng.normal());
}

/** tinyConvModel() quantized the shipped way (QDQ, per-channel int8 weights, int8 activations) on 16 seeded inputs. */
export async function tinyConvInt8Model(seed = 11): Promise<OnnxModel> {
  const fp32 = tinyConvModel(seed);
  const { frames, bins } = TINY_CONV_DIMS;
  const data = tinyConvInputs(16);
  const stride = frames * bins;
  const feeds = Array.from({ length: 16 }, (_, i) => ({ input_values: { data: data.slice(i * stride, (i + 1) * stride), dims: [1, frames, bins] } }));
  return quantizeStatic(fp32, await collectMinMax(fp32, feeds, {}), DEFAULT_STATIC_QUANTIZE_CONFIG);
}
