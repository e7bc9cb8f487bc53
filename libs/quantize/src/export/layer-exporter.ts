// The contract between the exporter driver and the per-layer exporters (one file each under layers/).

import { UnsupportedError } from '@whittle/datasets';
import type { GraphBuilder } from './graph-builder.ts';

/** Where a value's elements sit: tfjs keeps images NHWC, ONNX Conv wants NCHW. */
export type ValueLayout = 'channels-last' | 'nchw';

/** A linear conv/dense output: a following batch norm may rescale these initializers instead of adding ops. */
export interface FoldableProducer {
  /** Weight initializer with output channels on axis 0 ([O, I, kh, kw] or Gemm's transposed [out, in]). */
  readonly weight: string;
  /** Bias initializer, or undefined when the layer has no bias yet. */
  readonly bias: string | undefined;
  /** Input index of the bias on the producing node (2 for Conv and Gemm). */
  readonly biasInput: number;
}

/** A tfjs tensor as it exists in the ONNX graph being built. */
export interface ExportedValue {
  readonly name: string;
  /** The tfjs shape without the batch dimension, e.g. [49, 20, 64] for an NHWC image. */
  readonly shape: readonly number[];
  /** 'nchw' is only used for rank-3 (image) shapes; the ONNX tensor is then [N, C, H, W]. */
  readonly layout: ValueLayout;
  readonly foldable?: FoldableProducer;
}

/** A layer weight, copied out of tfjs (tfjs' dataSync may hand back its own storage). */
export interface LayerWeight {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface LayerExportContext {
  readonly builder: GraphBuilder;
  readonly layerName: string;
  readonly className: string;
  /** The layer's serialized Keras config (`layer.getConfig()`). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputs: readonly ExportedValue[];
  /** The layer's output shape without the batch dimension. */
  readonly outputShape: readonly number[];
  /** How many layers read `inputs[0]`; batch norm folds only into a conv nobody else reads. */
  readonly inputReaders: number;
  /** A weight by its Keras name ('kernel', 'bias', 'gamma', 'moving_mean', ...); throws if absent. */
  weight(name: string): LayerWeight;
  hasWeight(name: string): boolean;
}

export interface LayerExporter {
  /** The tfjs class name this exporter handles (`layer.getClassName()`). */
  readonly className: string;
  export(ctx: LayerExportContext): ExportedValue;
}

/** The single input of a one-input layer, or an UnsupportedError naming the layer. */
export function singleInput(ctx: LayerExportContext): ExportedValue {
  const input = ctx.inputs[0];
  if (ctx.inputs.length !== 1 || input === undefined) {
    throw new UnsupportedError(`Layer '${ctx.layerName}' (${ctx.className}) has ${ctx.inputs.length} inputs; its exporter supports exactly 1`);
  }
  return input;
}

/** Reject a config value the exporter cannot express: says which layer, which option, and what works. */
export function requireOption(ctx: LayerExportContext, option: string, ok: boolean, expected: string, actual: unknown = ctx.config[option]): void {
  if (!ok) {
    throw new UnsupportedError(`Unsupported ${ctx.className} ${option} ${JSON.stringify(actual)} (layer '${ctx.layerName}'). Supported: ${expected}`);
  }
}

/** A config entry that tfjs stores as number or [number, number]. */
export function pair(value: unknown, fallback: number): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) return [value[0] as number, value[1] as number];
  return [fallback, fallback];
}

/** The single input, checked to be an image ([height, width, channels] after the batch). */
export function imageInput(ctx: LayerExportContext): ExportedValue {
  const input = singleInput(ctx);
  requireOption(ctx, 'input shape', input.shape.length === 3, 'rank-4 [batch, height, width, channels] inputs', [null, ...input.shape]);
  return input;
}
