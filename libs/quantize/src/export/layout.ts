// Moving values between tfjs' channels-last layout and ONNX's NCHW, as cheaply as the shape allows.

import { intsAttr } from '../onnx/attribute.ts';
import type { GraphBuilder } from './graph-builder.ts';
import type { ExportedValue } from './layer-exporter.ts';

/** Reshape to [batch, ...dims] (batch stays dynamic through a -1). */
export function reshapeTo(b: GraphBuilder, input: string, dims: readonly number[], name: string): string {
  const shape = b.addInitializer({ name: `${name}_shape`, dataType: 'int64', dims: [dims.length + 1], data: BigInt64Array.from([-1, ...dims], (d) => BigInt(d)) });
  return b.add({ opType: 'Reshape', name, inputs: [input, shape] });
}

/** The value as an NCHW tensor; a channels-last image is transposed (or reshaped when it has one channel). */
export function toNchw(b: GraphBuilder, value: ExportedValue, name: string): ExportedValue {
  if (value.layout === 'nchw') return value;
  const [h, w, c] = value.shape as [number, number, number];
  // With one channel, NHWC and NCHW hold the elements in the same order: a reshape moves no data.
  const out = c === 1 ? reshapeTo(b, value.name, [1, h, w], name) : b.add({ opType: 'Transpose', name, inputs: [value.name], attributes: [intsAttr('perm', [0, 3, 1, 2])] });
  return { name: out, shape: value.shape, layout: 'nchw' };
}

/** The value in tfjs order (what Flatten, Reshape and the graph output need). */
export function toChannelsLast(b: GraphBuilder, value: ExportedValue, name: string): ExportedValue {
  if (value.layout === 'channels-last') return value;
  const [h, w, c] = value.shape as [number, number, number];
  const out = c === 1 || h * w === 1 ? reshapeTo(b, value.name, value.shape, name) : b.add({ opType: 'Transpose', name, inputs: [value.name], attributes: [intsAttr('perm', [0, 2, 3, 1])] });
  return { name: out, shape: value.shape, layout: 'channels-last' };
}
