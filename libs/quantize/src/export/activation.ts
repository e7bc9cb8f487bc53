// tfjs activation names ('relu', 'softmax', ...) as ONNX nodes, shared by fused activations and activation layers.

import { UnsupportedError } from '@whittle/datasets';
import { intAttr } from '../onnx/attribute.ts';
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

const ACTIVATIONS: Readonly<Record<string, ActivationEmitter | null>> = Object.freeze({
  linear: null,
  relu: unary('Relu'),
  relu6: (b, value, name) => emitClip(b, value.name, 0, 6, name),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  elu: unary('Elu'),
  softplus: unary('Softplus'),
  softsign: unary('Softsign'),
  // x * sigmoid(x), as tfjs computes it (alpha 1): opset 13 has no Swish op.
  swish: (b, value, name) => b.add({ opType: 'Mul', name, inputs: [value.name, b.add({ opType: 'Sigmoid', name: `${name}_sigmoid`, inputs: [value.name] })] }),
  // opset 13 Softmax normalises over one axis, like tf.softmax over the last axis.
  softmax: (b, value, name) => b.add({ opType: 'Softmax', name, inputs: [value.name], attributes: [intAttr('axis', lastAxis(value))] }),
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
