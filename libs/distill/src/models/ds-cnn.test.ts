// DS-CNN shapes, parameter/MAC counts and seeded initialisation.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDsCnn, countMacs, DS_CNN_S } from './ds-cnn.ts';
import { getModelSpec } from './registry.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('DS-CNN-S', () => {
  it('maps [N, 98, 40] spectrograms to [N, 12] logits with the Hello Edge layer sizes', () => {
    const model = buildDsCnn(DS_CNN_S, 1);
    expect(model.inputs[0]?.shape).toEqual([null, 98, 40]);
    expect(model.outputs[0]?.shape).toEqual([null, 12]);
    // conv 10*4*64 + BN 4*64 + 4 x (dw 9*64 + BN + pw 64*64 + BN) + dense 64*12+12
    const expected = 10 * 4 * 64 + 4 * 64 + 4 * (9 * 64 + 4 * 64 + 64 * 64 + 4 * 64) + 64 * 12 + 12;
    expect(model.countParams()).toBe(expected);
    // 49x20 positions after the stride-2 first conv.
    const positions = 49 * 20;
    expect(countMacs(model)).toBe(positions * (40 * 64) + 4 * positions * (9 * 64 + 64 * 64) + 64 * 12);
    model.dispose();
  });

  it('same seed, same weights; different seed, different weights', () => {
    const a = buildDsCnn(DS_CNN_S, 7).getWeights()[0]!.dataSync();
    const b = buildDsCnn(DS_CNN_S, 7).getWeights()[0]!.dataSync();
    const c = buildDsCnn(DS_CNN_S, 8).getWeights()[0]!.dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('registry lookup misses list the valid names', () => {
    expect(() => getModelSpec('gru-large')).toThrow("Unknown model 'gru-large'. Supported: ds-cnn-s");
  });
});
