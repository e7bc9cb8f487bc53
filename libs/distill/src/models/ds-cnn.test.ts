// DS-CNN shapes, parameter/MAC counts and seeded initialisation.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countMacs } from './count-macs.ts';
import { buildDsCnn, DS_CNN_L, DS_CNN_M, DS_CNN_S } from './ds-cnn.ts';
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

describe.each([
  [DS_CNN_M, 172, 4],
  [DS_CNN_L, 276, 5],
] as const)('$name', (config, channels, blocks) => {
  it(`has ${channels} channels and ${blocks} blocks: parameters and MACs match the hand formulas`, () => {
    expect([config.channels, config.blocks, config.firstKernel, config.firstStrides]).toEqual([channels, blocks, [10, 4], [2, 2]]);
    const model = buildDsCnn(config, 1);
    expect(model.outputs[0]?.shape).toEqual([null, 12]);
    const c = channels;
    // conv 10x4 + BN (4 per channel) + blocks x (dw 3x3 + BN + pw + BN) + dense.
    expect(model.countParams()).toBe(40 * c + 4 * c + blocks * (9 * c + 4 * c + c * c + 4 * c) + c * 12 + 12);
    expect(countMacs(model)).toBe(980 * 40 * c + blocks * 980 * (9 * c + c * c) + c * 12);
    model.dispose();
  });
});
