// tfjs activation names ('relu', 'softmax', ...) as ONNX nodes, shared by fused activations and activation layers.

import { UnsupportedError } from '@whittle/datasets';
import { floatAttr, intAttr } from '../onnx/attribute.ts';
import type { GraphBuilder } from './graph-builder.ts';
import type { ExportedValue } from './layer-exporter.ts';

type ActivationEmitter = (b: GraphBuilder, value: ExportedValue, name: string) => string;

const unary =
  (opType: string): ActivationEmitter =>
  (b, value, name) =>
    b.add({ opType, name, inputs: [value.name] });

/** Clip(x, lo, hi) with bounds as scalar initializers (opset 11+ takes them as inputs). */
export function emitClip(b: GraphBuilder, input: string, lo: number, hi: number | undefined, name: string): string {
  const min = b.addInitializer({ name: `${name}_min`, dataType: 'float32', dims: [], data: Float32Array.of(lo) });
  const inputs = [input, min];
  if (hi !== undefined) inputs.push(b.addInitializer({ name: `${name}_max`, dataType: 'float32', dims: [], data: Float32Array.of(hi) }));
  return b.add({ opType: 'Clip', name, inputs });
}

/** Axis of tfjs' "last axis" in the ONNX tensor: channels sit on axis 1 in NCHW. */
export function lastAxis(value: ExportedValue): number {
  return value.layout === 'nchw' ? 1 : -1;
}

/** A float32 scalar initializer (broadcasts against any tensor). */
function scalar(b: GraphBuilder, name: string, value: number): string {
  return b.addInitializer({ name, dataType: 'float32', dims: [], data: Float32Array.of(value) });
}

/** tfjs' SELU constants (tf.selu): scale * alpha = 1.7580993408473768, scale = 1.0507009873554805. */
const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.7580993408473768 / SELU_SCALE;

/** x * tanh(softplus(x)): Mish only became an ONNX op in opset 18. */
const mish: ActivationEmitter = (b, value, name) => {
  const softplus = b.add({ opType: 'Softplus', name: `${name}_softplus`, inputs: [value.name] });
  return b.add({ opType: 'Mul', name, inputs: [value.name, b.add({ opType: 'Tanh', name: `${name}_tanh`, inputs: [softplus] })] });
};

/** tfjs' exact GELU, x * 0.5 * (1 + erf(x / sqrt(2))), spelled in opset-9 ops (Gelu is opset 20). */
const gelu: ActivationEmitter = (b, value, name) => {
  const erf = b.add({ opType: 'Erf', name: `${name}_erf`, inputs: [b.add({ opType: 'Div', name: `${name}_div`, inputs: [value.name, scalar(b, `${name}_sqrt2`, Math.SQRT2)] })] });
  const cdf = b.add({ opType: 'Mul', name: `${name}_cdf`, inputs: [b.add({ opType: 'Add', name: `${name}_add`, inputs: [erf, scalar(b, `${name}_one`, 1)] }), scalar(b, `${name}_half`, 0.5)] });
  return b.add({ opType: 'Mul', name, inputs: [value.name, cdf] });
};

/** tfjs' 'gelu_new' tanh approximation, 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))), in the same order of operations. */
const geluTanh: ActivationEmitter = (b, value, name) => {
  const x = value.name;
  const cube = b.add({ opType: 'Mul', name: `${name}_cube`, inputs: [b.add({ opType: 'Mul', name: `${name}_square`, inputs: [x, x] }), x] });
  const inner = b.add({ opType: 'Add', name: `${name}_inner`, inputs: [x, b.add({ opType: 'Mul', name: `${name}_cubic`, inputs: [cube, scalar(b, `${name}_k`, 0.044715)] })] });
  const tanh = b.add({ opType: 'Tanh', name: `${name}_tanh`, inputs: [b.add({ opType: 'Mul', name: `${name}_scaled`, inputs: [inner, scalar(b, `${name}_c`, Math.sqrt(2 / Math.PI))] })] });
  const gate = b.add({ opType: 'Add', name: `${name}_gate`, inputs: [tanh, scalar(b, `${name}_one`, 1)] });
  return b.add({ opType: 'Mul', name, inputs: [b.add({ opType: 'Mul', name: `${name}_half_x`, inputs: [x, scalar(b, `${name}_half`, 0.5)] }), gate] });
};

/** tfjs activation identifiers (the `className` of its Activation classes) -> ONNX; null is the identity. */
const ACTIVATIONS: Readonly<Record<string, ActivationEmitter | null>> = Object.freeze({
  linear: null,
  relu: unary('Relu'),
  relu6: (b, value, name) => emitClip(b, value.name, 0, 6, name),
  sigmoid: unary('Sigmoid'),
  // K.hardSigmoid is clip(0.2 x + 0.5, 0, 1), which is ONNX HardSigmoid's definition and defaults.
  hardSigmoid: (b, value, name) => b.add({ opType: 'HardSigmoid', name, inputs: [value.name], attributes: [floatAttr('alpha', 0.2), floatAttr('beta', 0.5)] }),
  tanh: unary('Tanh'),
  elu: unary('Elu'),
  selu: (b, value, name) => b.add({ opType: 'Selu', name, inputs: [value.name], attributes: [floatAttr('alpha', SELU_ALPHA), floatAttr('gamma', SELU_SCALE)] }),
  softplus: unary('Softplus'),
  softsign: unary('Softsign'),
  // x * sigmoid(x), as tfjs computes it (alpha 1): opset 13 has no Swish op.
  swish: (b, value, name) => b.add({ opType: 'Mul', name, inputs: [value.name, b.add({ opType: 'Sigmoid', name: `${name}_sigmoid`, inputs: [value.name] })] }),
  mish,
  gelu,
  gelu_new: geluTanh,
  // opset 13 Softmax/LogSoftmax normalise over one axis, like tf.softmax over the last axis.
  softmax: (b, value, name) => b.add({ opType: 'Softmax', name, inputs: [value.name], attributes: [intAttr('axis', lastAxis(value))] }),
  logSoftmax: (b, value, name) => b.add({ opType: 'LogSoftmax', name, inputs: [value.name], attributes: [intAttr('axis', lastAxis(value))] }),
});

export const SUPPORTED_ACTIVATIONS: readonly string[] = Object.freeze(Object.keys(ACTIVATIONS));

/**
 * Apply a tfjs activation to `value`; 'linear' returns it untouched (keeping it foldable).
 * `where` names the layer in the error for an activation outside the supported set.
 */
export function emitActivation(b: GraphBuilder, value: ExportedValue, activation: unknown, name: string, where: string): ExportedValue {
  const key = typeof activation === 'string' ? activation : JSON.stringify(activation);
  const emitter = Object.hasOwn(ACTIVATIONS, key) ? ACTIVATIONS[key] : undefined;
  if (emitter === undefined) throw new UnsupportedError(`Unsupported activation '${key}' (${where}). Supported: ${SUPPORTED_ACTIVATIONS.join(', ')}`);
  if (emitter === null) return value;
  return { name: emitter(b, value, name), shape: value.shape, layout: value.layout };
}
