// Conv2D -> ONNX Conv (NCHW), kernel transposed to OIHW, TF 'same' padding made explicit.

import { intAttr, intsAttr } from '../../onnx/attribute.ts';
import { emitActivation } from '../activation.ts';
import type { GraphBuilder } from '../graph-builder.ts';
import { convKernelToOihw } from '../kernel-layout.ts';
import { imageInput, pair, requireOption, type ExportedValue, type LayerExportContext, type LayerExporter } from '../layer-exporter.ts';
import { toNchw } from '../layout.ts';
import { convPads } from '../same-padding.ts';

/** Where a 2-D window sits over its input: everything Conv needs besides weights. */
export interface ConvGeometry {
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  /** ONNX order [top, left, bottom, right]. */
  readonly pads: readonly [number, number, number, number];
}

/** A 1x1 window that moves one pixel at a time (SeparableConv2D's pointwise step). */
export const POINTWISE: ConvGeometry = Object.freeze({ strides: [1, 1] as const, dilations: [1, 1] as const, pads: [0, 0, 0, 0] as const });

/**
 * The layer's image input in NCHW and its window geometry, after rejecting options ONNX Conv cannot
 * express. `kernel` is [kh, kw] of the (depthwise) kernel the geometry applies to.
 */
export function convInput(ctx: LayerExportContext, kernel: readonly [number, number]): { input: ExportedValue; geometry: ConvGeometry } {
  const { builder: b, config, layerName } = ctx;
  requireOption(ctx, 'dataFormat', config['dataFormat'] === undefined || config['dataFormat'] === 'channelsLast', "'channelsLast'");
  requireOption(ctx, 'padding', config['padding'] === 'same' || config['padding'] === 'valid', "'same', 'valid'");
  const input = toNchw(b, imageInput(ctx), `${layerName}_nchw`);
  const strides = pair(config['strides'], 1);
  const dilations = pair(config['dilationRate'], 1);
  const pads = convPads(config['padding'] as 'same' | 'valid', [input.shape[0] as number, input.shape[1] as number], kernel, strides, dilations);
  return { input, geometry: { strides, dilations, pads } };
}

/** One Conv node on an NCHW `input`; the result records its weight and bias so a batch norm can fold into them. */
export function emitConvNode(
  b: GraphBuilder,
  input: ExportedValue,
  name: string,
  weight: { readonly data: Float32Array; readonly dims: readonly number[] },
  bias: Float32Array | undefined,
  group: number,
  geometry: ConvGeometry,
  outputShape: readonly number[],
): ExportedValue {
  const weightName = b.addInitializer({ name: `${name}_weight`, dataType: 'float32', dims: weight.dims, data: weight.data });
  const inputs = [input.name, weightName];
  const biasName = bias === undefined ? undefined : b.addInitializer({ name: `${name}_bias`, dataType: 'float32', dims: [weight.dims[0] as number], data: bias });
  if (biasName !== undefined) inputs.push(biasName);
  const { strides, dilations, pads } = geometry;
  // Attributes at their ONNX defaults are left out: in a 20k-parameter model the graph's bytes count.
  const attributes = [
    ...(dilations.some((d) => d !== 1) ? [intsAttr('dilations', dilations)] : []),
    ...(group !== 1 ? [intAttr('group', group)] : []),
    intsAttr('kernel_shape', weight.dims.slice(2)),
    ...(pads.some((p) => p !== 0) ? [intsAttr('pads', pads)] : []),
    ...(strides.some((s) => s !== 1) ? [intsAttr('strides', strides)] : []),
  ];
  const conv = b.add({ opType: 'Conv', name, inputs, attributes });
  return { name: conv, shape: outputShape, layout: 'nchw', foldable: { weight: weightName, bias: biasName, biasInput: 2 } };
}

/** The layer's bias, or undefined when it has none (`useBias: false`). */
export function layerBias(ctx: LayerExportContext): Float32Array | undefined {
  return ctx.config['useBias'] !== false && ctx.hasWeight('bias') ? ctx.weight('bias').data : undefined;
}

/** Apply the layer's `activation`; a linear result keeps `foldable`, anything else drops it. */
export function withLayerActivation(ctx: LayerExportContext, linear: ExportedValue): ExportedValue {
  const activation = ctx.config['activation'] ?? 'linear';
  const value: ExportedValue = activation === 'linear' ? linear : { name: linear.name, shape: linear.shape, layout: linear.layout };
  return emitActivation(ctx.builder, value, activation, `${ctx.layerName}_${String(activation)}`, `layer '${ctx.layerName}'`);
}

/** Emit a Conv node for a tfjs 2-D convolution kernel already in OIHW; shared with DepthwiseConv2D. */
export function emitConv(ctx: LayerExportContext, weightOihw: Float32Array, weightDims: readonly number[], group: number): ExportedValue {
  const { input, geometry } = convInput(ctx, [weightDims[2] as number, weightDims[3] as number]);
  const conv = emitConvNode(ctx.builder, input, ctx.layerName, { data: weightOihw, dims: weightDims }, layerBias(ctx), group, geometry, ctx.outputShape);
  return withLayerActivation(ctx, conv);
}

export const conv2dExporter: LayerExporter = {
  className: 'Conv2D',
  export(ctx) {
    const kernel = ctx.weight('kernel');
    const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
    return emitConv(ctx, convKernelToOihw(kernel.data, kernel.shape), [cout, cin, kh, kw], 1);
  },
};
