// The small image CNN: 28 -> 14 -> 7 -> 4 feature maps, parameters and MACs by hand formula.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countMacs } from './count-macs.ts';
import { buildImageCnn, IMAGE_CNN_S } from './image-cnn.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('image-cnn-s', () => {
  it('maps [N, 28, 28] to [N, 10] through three conv/pool stages', () => {
    const model = buildImageCnn(IMAGE_CNN_S, 1);
    expect(model.inputs[0]?.shape).toEqual([null, 28, 28]);
    expect(model.outputs[0]?.shape).toEqual([null, 10]);
    expect(['conv_1_pool', 'conv_2_pool', 'conv_3_pool'].map((n) => model.getLayer(n).outputShape)).toEqual([
      [null, 14, 14, 16],
      [null, 7, 7, 32],
      [null, 4, 4, 32],
    ]);
    // conv 3x3 without bias + BN (4 per channel), then dense over the 4x4x32 map.
    expect(model.countParams()).toBe(9 * 16 + 4 * 16 + 9 * 16 * 32 + 4 * 32 + 9 * 32 * 32 + 4 * 32 + 4 * 4 * 32 * 10 + 10);
    // Convs run at 28x28, 14x14 and 7x7 (same padding); pools and BN count 0.
    expect(countMacs(model)).toBe(28 * 28 * 9 * 16 + 14 * 14 * 9 * 16 * 32 + 7 * 7 * 9 * 32 * 32 + 512 * 10);
    model.dispose();
  });
});
