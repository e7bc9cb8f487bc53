// Test fixture for the debug tests: a seeded two-conv net exported to ONNX, with calibration feeds and ranges.

import * as tf from '@tensorflow/tfjs';
import { collectMinMax, type CalibrationFeed } from '../../calibrate/collect-min-max.ts';
import { DEFAULT_EXPORT_CONFIG } from '../../export/export-config.ts';
import { exportLayersModel } from '../../export/export-layers-model.ts';
import type { OnnxModel } from '../../onnx/onnx-model.ts';
import type { TensorRanges } from '../../quantize/tensor-ranges.ts';
import { randomData, randomizeWeights } from '../../testing/onnx-test-utils.ts';

export const TINY_SHAPE = [6, 5, 2] as const;
const STRIDE = TINY_SHAPE.reduce((a, b) => a * b, 1);

/** `count` single-sample feeds of seeded N(0, 1) values. */
export function tinyFeeds(count: number, seed: number): CalibrationFeed[] {
  const data = randomData(count * STRIDE, seed);
  return Array.from({ length: count }, (_, i) => ({ input_values: { data: data.slice(i * STRIDE, (i + 1) * STRIDE), dims: [1, ...TINY_SHAPE] } }));
}

/** input -> conv1 (ReLU) -> conv2 (ReLU) -> global average pool -> fc (logits), and its min/max ranges on 32 feeds. */
export async function tinyConvNet(): Promise<{ fp32: OnnxModel; ranges: TensorRanges }> {
  await tf.setBackend('cpu');
  const model = tf.sequential({
    layers: [
      tf.layers.inputLayer({ inputShape: [...TINY_SHAPE] }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }),
      tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2' }),
      tf.layers.globalAveragePooling2d({ name: 'pool' }),
      tf.layers.dense({ units: 3, name: 'fc' }),
    ],
  });
  randomizeWeights(model, 31);
  const fp32 = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
  model.dispose();
  return { fp32, ranges: await collectMinMax(fp32, tinyFeeds(32, 32), {}) };
}
