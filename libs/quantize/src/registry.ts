// The closed sets of @whittle/quantize: layer exporters (tfjs class -> ONNX), QDQ op quantizers (ONNX op -> QDQ plan) and calibrators.

import { UnsupportedError } from '@whittle/datasets';
import type { Calibrator } from './calibrate/calibrator.ts';
import { entropyCalibrator } from './calibrate/calibrators/entropy.ts';
import { minMaxCalibrator } from './calibrate/calibrators/min-max.ts';
import { percentileCalibrator } from './calibrate/calibrators/percentile.ts';
import type { LayerExporter } from './export/layer-exporter.ts';
import { addQuantizer } from './quantize/ops/add.ts';
import { convQuantizer } from './quantize/ops/conv.ts';
import { flattenQuantizer, maxPoolQuantizer, padQuantizer, reshapeQuantizer, transposeQuantizer } from './quantize/ops/data-movement.ts';
import { gemmQuantizer } from './quantize/ops/gemm.ts';
import type { OpQuantizer } from './quantize/ops/op-quantizer.ts';
import { averagePoolQuantizer, globalAveragePoolQuantizer } from './quantize/ops/pooling.ts';
import { activationExporter } from './export/layers/activation.ts';
import { addExporter } from './export/layers/add.ts';
import { averagePooling2dExporter } from './export/layers/average-pooling2d.ts';
import { batchNormalizationExporter } from './export/layers/batch-normalization.ts';
import { concatenateExporter } from './export/layers/concatenate.ts';
import { conv2dExporter } from './export/layers/conv2d.ts';
import { denseExporter } from './export/layers/dense.ts';
import { depthwiseConv2dExporter } from './export/layers/depthwise-conv2d.ts';
import { dropoutExporter } from './export/layers/dropout.ts';
import { flattenExporter } from './export/layers/flatten.ts';
import { globalAveragePooling2dExporter } from './export/layers/global-average-pooling2d.ts';
import { globalMaxPooling2dExporter } from './export/layers/global-max-pooling2d.ts';
import { leakyReluExporter } from './export/layers/leaky-relu.ts';
import { maxPooling2dExporter } from './export/layers/max-pooling2d.ts';
import { reluExporter } from './export/layers/relu.ts';
import { reshapeExporter } from './export/layers/reshape.ts';
import { separableConv2dExporter } from './export/layers/separable-conv2d.ts';
import { softmaxExporter } from './export/layers/softmax.ts';
import { utteranceNormalizationExporter } from './export/layers/utterance-normalization.ts';
import { zeroPadding2dExporter } from './export/layers/zero-padding2d.ts';

function byKey<T>(items: readonly T[], key: (item: T) => string): Readonly<Record<string, T>> {
  return Object.freeze(Object.fromEntries(items.map((item) => [key(item), item])));
}

/** tfjs layer class name -> exporter. */
export const LAYER_EXPORTERS: Readonly<Record<string, LayerExporter>> = byKey(
  [
    conv2dExporter,
    depthwiseConv2dExporter,
    batchNormalizationExporter,
    denseExporter,
    separableConv2dExporter,
    reluExporter,
    leakyReluExporter,
    activationExporter,
    softmaxExporter,
    dropoutExporter,
    reshapeExporter,
    flattenExporter,
    globalAveragePooling2dExporter,
    globalMaxPooling2dExporter,
    maxPooling2dExporter,
    averagePooling2dExporter,
    addExporter,
    concatenateExporter,
    zeroPadding2dExporter,
    utteranceNormalizationExporter,
  ],
  (e) => e.className,
);

/** The exporter for a tfjs layer class; a miss names the layer and lists what is supported. */
export function getLayerExporter(className: string, layerName: string): LayerExporter {
  const exporter = Object.hasOwn(LAYER_EXPORTERS, className) ? LAYER_EXPORTERS[className] : undefined;
  if (exporter === undefined) {
    throw new UnsupportedError(
      `Unsupported layer class '${className}' (layer '${layerName}'). Supported: ${Object.keys(LAYER_EXPORTERS).join(', ')}`,
      'rebuild the model from supported layers, or add an exporter under libs/quantize/src/export/layers/ and register it in registry.ts',
    );
  }
  return exporter;
}

/** ONNX op type -> QDQ quantizer. Ops missing here stay float (their inputs are dequantized first). */
export const OP_QUANTIZERS: Readonly<Record<string, OpQuantizer>> = byKey(
  [convQuantizer, gemmQuantizer, addQuantizer, globalAveragePoolQuantizer, averagePoolQuantizer, reshapeQuantizer, flattenQuantizer, transposeQuantizer, maxPoolQuantizer, padQuantizer],
  (q) => q.opType,
);

/** The quantizer for an op type, or undefined: unlike layers, an op without one is legal and stays float. */
export function getOpQuantizer(opType: string): OpQuantizer | undefined {
  return Object.hasOwn(OP_QUANTIZERS, opType) ? OP_QUANTIZERS[opType] : undefined;
}

// Calibrators: how activation ranges are chosen from the calibration pass.

/** Calibration method (StaticQuantizeConfig.calibration.method) -> calibrator. */
export const CALIBRATORS: Readonly<Record<string, Calibrator>> = byKey([minMaxCalibrator, percentileCalibrator, entropyCalibrator], (c) => c.method);

/** The calibrator for a method; a miss lists the supported methods. */
export function getCalibrator(method: string): Calibrator {
  const calibrator = Object.hasOwn(CALIBRATORS, method) ? CALIBRATORS[method] : undefined;
  if (calibrator === undefined) {
    throw new UnsupportedError(
      `Unsupported calibration method '${method}'. Supported: ${Object.keys(CALIBRATORS).join(', ')}`,
      'add a calibrator under libs/quantize/src/calibrate/calibrators/ and register it in registry.ts',
    );
  }
  return calibrator;
}
