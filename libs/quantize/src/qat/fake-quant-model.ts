// A tfjs model run as its static int8 QDQ export computes: fake-quantized activations and weights, mapped by layer name.

import * as tf from '@tensorflow/tfjs';
import { UnsupportedError, WhittleError } from '@whittle/datasets';
import { batchNormAffine } from '../export/fold-batch-norm.ts';
import { topologicalLayers } from '../export/topological-layers.ts';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { activationParams, type QuantParams } from '../quantize/math/quant-params.ts';
import { planQdq } from '../quantize/qdq-plan.ts';
import type { StaticQuantizeConfig } from '../quantize/static-quantize-config.ts';
import type { TensorRanges } from '../quantize/tensor-ranges.ts';
import { fakeQuantize } from './fake-quantize.ts';
import { fakeQuantizeKernel } from './fake-quantize-kernel.ts';

type Layer = tf.LayersModel['layers'][number];

/** A conv/dense kernel quantizeStatic stores as int8, with the batch norms the exporter folds into it. */
export interface QuantizedKernel {
  readonly layer: string;
  readonly variable: tf.Variable;
  /** ONNX output channels: the flat kernel index modulo this (out, C*M or units). */
  readonly channels: number;
  /** BatchNormalization layers folded into this kernel by the exporter, in order. */
  readonly folds: readonly Layer[];
}

/** How the model's tfjs forward pass is fake-quantized; `forward` and `withQuantizedWeights` do the work. */
export interface FakeQuantModel {
  /** Params of the graph input, when the plan quantizes it. */
  readonly inputParams: QuantParams | undefined;
  /** tfjs layer name -> params of its output's fake-quant. */
  readonly outputParams: ReadonlyMap<string, QuantParams>;
  readonly kernels: readonly QuantizedKernel[];
  /** Inference-mode forward pass (batch norm and dropout as at inference) with activation fake-quant; not tidied. */
  forward(x: tf.Tensor): tf.Tensor;
  /**
   * Run `fn` with every quantized kernel set to its fake-quantized value, then put the fp32 values
   * back (also on a throw). Gradients taken inside are the straight-through estimate for the fp32 weights.
   */
  withQuantizedWeights<T>(fn: () => T): T;
}

/** Keras weight name ('kernel', 'gamma', ...) without the layer scope and tfjs' uniquifying suffix, as the exporter keys them. */
function weightKey(variable: tf.LayerVariable): string {
  return (variable.originalName.split('/').at(-1) ?? variable.originalName).replace(/_\d+$/, '');
}

function layerWeight(layer: Layer, key: string): tf.LayerVariable | undefined {
  return layer.weights.find((w) => weightKey(w) === key);
}

function readWeight(layer: Layer, key: string): Float32Array {
  const w = layerWeight(layer, key);
  if (w === undefined) throw new UnsupportedError(`Layer '${layer.name}' (${layer.getClassName()}) has no weight '${key}'`);
  return w.read().dataSync() as Float32Array;
}

/** The per-channel scale the exporter multiplies into the kernel before it: gamma / sqrt(variance + epsilon). */
function batchNormScale(bn: Layer): Float64Array {
  const config = bn.getConfig() as Record<string, unknown>;
  return batchNormAffine({
    gamma: config['scale'] === false ? undefined : readWeight(bn, 'gamma'),
    beta: undefined,
    movingMean: readWeight(bn, 'moving_mean'),
    movingVariance: readWeight(bn, 'moving_variance'),
    epsilon: typeof config['epsilon'] === 'number' ? (config['epsilon'] as number) : 1e-3,
  }).scale;
}

const KERNEL_KEYS: Readonly<Record<string, string>> = Object.freeze({ Conv2D: 'kernel', DepthwiseConv2D: 'depthwise_kernel', Dense: 'kernel' });

/**
 * Map the QDQ plan of `fp32` (the exportLayersModel output of `model`) back onto `model`'s layers.
 * The exporter names a layer's nodes after the layer: the layer's own node is `name`, a fused
 * activation `name_<activation>`, helpers (`name_nchw`, `name_flat`, ...) carry other suffixes and
 * are data movement, which the plan resolves away. So a calibrated tensor produced by node `L` or
 * `L_<activation>` is the output of layer L, except a linear Conv/Gemm whose batch norms were
 * folded into it: that tensor is the output of the last folded BatchNormalization. The fold rule
 * is the exporter's (a linear conv/dense, or a folded BN, whose only reader is a BatchNormalization).
 * Tensors that match no layer output (a pre-activation of a fused non-ReLU activation, partial sums
 * of a 3-input Add) throw an UnsupportedError rather than train against the wrong graph.
 */
export function buildFakeQuantModel(model: tf.LayersModel, fp32: OnnxModel, ranges: TensorRanges, config: StaticQuantizeConfig): FakeQuantModel {
  const { graph } = fp32;
  const plan = planQdq(graph);
  const order = topologicalLayers(model).filter((l) => l.getClassName() !== 'InputLayer');
  const byName = new Map(order.map((l) => [l.name, l]));
  const modelInput = model.inputs[0] as tf.SymbolicTensor;
  const modelOutput = model.outputs[0] as tf.SymbolicTensor;

  const readers = new Map<number, Layer[]>();
  for (const layer of order) for (const node of layer.inboundNodes) for (const t of node.inputTensors) readers.set(t.id, [...(readers.get(t.id) ?? []), layer]);
  const outputOf = (layer: Layer): tf.SymbolicTensor => layer.inboundNodes[0]?.outputTensors[0] as tf.SymbolicTensor;
  /** The BatchNormalization layers the exporter folds into `layer` (empty when its activation is not linear). */
  const foldsOf = (layer: Layer): Layer[] => {
    const folds: Layer[] = [];
    if (((layer.getConfig() as Record<string, unknown>)['activation'] ?? 'linear') !== 'linear') return folds;
    for (let current = layer; ; ) {
      const out = outputOf(current);
      const rs = readers.get(out.id) ?? [];
      const only = rs[0];
      if (rs.length !== 1 || out.id === modelOutput.id || only === undefined || only.getClassName() !== 'BatchNormalization') return folds;
      folds.push(only);
      current = only;
    }
  };
  const layerOfNode = (nodeName: string): Layer | undefined => {
    let best: Layer | undefined;
    for (const layer of order) if ((nodeName === layer.name || nodeName.startsWith(`${layer.name}_`)) && layer.name.length > (best?.name.length ?? -1)) best = layer;
    return best;
  };

  // Activations.
  const type = config.activations.type;
  const params = (tensor: string): QuantParams => {
    const range = ranges.tensors[tensor];
    if (range === undefined) throw new WhittleError('INVALID_ARGUMENT', `TensorRanges has no range for tensor '${tensor}'`, { hint: 'collect the ranges with collectMinMax on the fp32 export of this same model' });
    return activationParams(range, type, config.activations.symmetric);
  };
  const inputNames = new Set(graph.inputs.map((i) => i.name));
  let inputParams: QuantParams | undefined;
  const outputParams = new Map<string, QuantParams>();
  const outputTensor = new Map<string, string>();
  for (const tensor of plan.calibrated) {
    if (inputNames.has(tensor)) {
      inputParams = params(tensor);
      continue;
    }
    const producer = graph.nodes.find((n) => n.outputs.includes(tensor));
    const layer = producer === undefined ? undefined : layerOfNode(producer.name);
    const unsupported = (why: string) =>
      new UnsupportedError(`QAT cannot place the fake-quant of ONNX tensor '${tensor}' (node '${producer?.name}', ${producer?.opType}) on a tfjs layer output: ${why}`, 'such a tensor has no tfjs layer output to quantize; restructure the model so it does');
    if (producer === undefined || layer === undefined) throw unsupported('no layer of that name');
    const activation = String((layer.getConfig() as Record<string, unknown>)['activation'] ?? 'linear');
    let target: Layer = layer;
    if (producer.opType === 'Conv' || producer.opType === 'Gemm') {
      if (producer.name !== layer.name || activation !== 'linear') throw unsupported(`it is the pre-activation of '${activation}'`);
      target = foldsOf(layer).at(-1) ?? layer;
    } else if (producer.name !== layer.name && producer.name !== `${layer.name}_${activation}`) {
      throw unsupported(`it is an intermediate of layer '${layer.name}'`);
    } else if (layer.getClassName() === 'Add' && (layer.inboundNodes[0]?.inputTensors.length ?? 0) > 2) {
      throw unsupported('partial sums of an Add of more than two inputs');
    }
    const p = params(tensor);
    const known = outputParams.get(target.name);
    if (known !== undefined && (known.scale !== p.scale || known.zeroPoint !== p.zeroPoint)) {
      throw unsupported(`layer '${target.name}' output is already quantized as '${outputTensor.get(target.name)}' with other params`);
    }
    outputParams.set(target.name, p);
    outputTensor.set(target.name, tensor);
  }

  // Weights: the Conv/Gemm nodes whose weight the plan quantizes are named after their layer.
  const kernels: QuantizedKernel[] = [];
  for (const node of graph.nodes) {
    if ((node.opType !== 'Conv' && node.opType !== 'Gemm') || !plan.weights.has(node.inputs[1] ?? '')) continue;
    const layer = byName.get(node.name);
    const key = layer === undefined ? undefined : KERNEL_KEYS[layer.getClassName()];
    const variable = layer === undefined || key === undefined ? undefined : layerWeight(layer, key);
    if (layer === undefined || variable === undefined) throw new UnsupportedError(`QAT found no Conv2D/DepthwiseConv2D/Dense kernel for ONNX ${node.opType} '${node.name}'`);
    const shape = variable.shape as number[];
    const channels = layer.getClassName() === 'DepthwiseConv2D' ? (shape[2] as number) * (shape[3] as number) : (shape.at(-1) as number);
    kernels.push({ layer: layer.name, variable: variable.read() as tf.Variable, channels, folds: foldsOf(layer) });
  }

  const granularity = config.weights.granularity;
  return {
    inputParams,
    outputParams,
    kernels,
    forward(x) {
      const values = new Map<number, tf.Tensor>([[modelInput.id, inputParams === undefined ? x : fakeQuantize(x, inputParams, type)]]);
      for (const layer of order) {
        const node = layer.inboundNodes[0];
        if (node === undefined) continue;
        const inputs = node.inputTensors.map((t) => values.get(t.id) as tf.Tensor);
        const out = layer.apply(inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs, { training: false }) as tf.Tensor;
        const p = outputParams.get(layer.name);
        values.set((node.outputTensors[0] as tf.SymbolicTensor).id, p === undefined ? out : fakeQuantize(out, p, type));
      }
      return values.get(modelOutput.id) as tf.Tensor;
    },
    withQuantizedWeights(fn) {
      const saved: { variable: tf.Variable; data: Float32Array }[] = [];
      try {
        for (const k of kernels) {
          const data = (k.variable.dataSync() as Float32Array).slice();
          const quantized = fakeQuantizeKernel(data, k.channels, k.folds.map(batchNormScale), granularity);
          saved.push({ variable: k.variable, data });
          tf.tidy(() => k.variable.assign(tf.tensor(quantized, k.variable.shape)));
        }
        return fn();
      } finally {
        // Exactly the fp32 values read above: the master weights never carry quantization error.
        for (const { variable, data } of saved) tf.tidy(() => variable.assign(tf.tensor(data, variable.shape)));
      }
    },
  };
}
