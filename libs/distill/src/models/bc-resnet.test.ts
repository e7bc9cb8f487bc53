// BC-ResNet: the broadcast residual shapes, parameter and MAC counts by hand formula, and a finite forward pass.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BC_RESNET_1, buildBcResNet } from './bc-resnet.ts';
import { countMacs } from './count-macs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const shapes = (model: tf.LayersModel, layer: string) => {
  const node = model.getLayer(layer).inboundNodes[0]!;
  return { inputs: node.inputTensors.map((t) => t.shape), output: node.outputTensors[0]!.shape };
};

describe('BC-ResNet-1', () => {
  it('adds the [T, 1, C] temporal branch onto the [T, F, C] frequency branch (and the identity in normal blocks)', () => {
    const model = buildBcResNet(BC_RESNET_1, 1);
    expect(model.inputs[0]?.shape).toEqual([null, 98, 40]);
    expect(model.outputs[0]?.shape).toEqual([null, 12]);
    // Transition block: no identity; frequency 20 -> 10 in the depthwise conv.
    expect(shapes(model, 'block_2_1_add')).toEqual({ inputs: [[null, 98, 10, 12], [null, 98, 1, 12]], output: [null, 98, 10, 12] });
    // Normal block: identity + aux + broadcast temporal term.
    expect(shapes(model, 'block_3_2_add')).toEqual({ inputs: [[null, 98, 5, 16], [null, 98, 5, 16], [null, 98, 1, 16]], output: [null, 98, 5, 16] });
    expect(model.getLayer('block_3_2_freq_avg').getConfig()).toMatchObject({ poolSize: [1, 5], strides: [1, 5], padding: 'valid' });
    expect(model.getLayer('block_1_1_swish').getConfig()).toMatchObject({ activation: 'swish' });
    model.dispose();
  });

  it('has the hand-counted parameters and MACs', () => {
    const model = buildBcResNet(BC_RESNET_1, 1);
    const T = 98;
    // Per block at (input channels, channels, input bins, output bins): BN counts 4 per channel.
    const normal = (c: number) => 3 * c + 4 * c + 3 * c + 4 * c + c * c;
    const transition = (cin: number, c: number) => cin * c + 4 * c + normal(c);
    const params = 25 * 16 + 4 * 16 + transition(16, 8) + normal(8) + transition(8, 12) + normal(12) + transition(12, 16) + normal(16) + transition(16, 20) + normal(20) + 25 * 20 + 20 * 32 + 4 * 32 + 32 * 12 + 12;
    expect(model.countParams()).toBe(params);
    expect(params).toBe(6384);

    const blockMacs = (cin: number, c: number, fin: number, fout: number, transition: boolean) => (transition ? T * fin * cin * c : 0) + T * fout * 3 * c + T * 3 * c + T * c * c;
    const macs =
      T * 20 * 25 * 16 +
      blockMacs(16, 8, 20, 20, true) + blockMacs(8, 8, 20, 20, false) +
      blockMacs(8, 12, 20, 10, true) + blockMacs(12, 12, 10, 10, false) +
      blockMacs(12, 16, 10, 5, true) + blockMacs(16, 16, 5, 5, false) +
      blockMacs(16, 20, 5, 5, true) + blockMacs(20, 20, 5, 5, false) +
      T * 5 * 25 * 20 + T * 5 * 20 * 32 + 32 * 12;
    expect(countMacs(model)).toBe(macs);
    model.dispose();
  });

  it('runs a finite forward pass without leaking tensors', () => {
    const model = buildBcResNet({ ...BC_RESNET_1, inputFrames: 20, inputBins: 16 }, 2);
    const before = tf.memory().numTensors;
    const logits = tf.tidy(() => Array.from((model.predict(tf.randomNormal([3, 20, 16], 0, 1, 'float32', 4)) as tf.Tensor).dataSync()));
    expect(tf.memory().numTensors).toBe(before);
    expect(logits).toHaveLength(3 * 12);
    expect(logits.every(Number.isFinite)).toBe(true);
    expect(new Set(logits.map((v) => v.toFixed(4))).size).toBeGreaterThan(12);
    model.dispose();
  });
});
