// Speed sections: profiled nodes are grouped by the layer onnxruntime fused them from, and the ratios are fp32 / int8.
import { describe, expect, it } from 'vitest';
import type { OnnxProfile } from '@whittle/eval';
import { int8SpeedSection, layerOfNode } from './latency-sections.ts';

function profile(nodes: [name: string, opType: string, p50Us: number][]): OnnxProfile {
  const total = nodes.reduce((a, [, , us]) => a + us, 0);
  return {
    runs: 10,
    runMeanUs: total,
    runP50Us: total,
    kernelMeanUs: total,
    nodes: nodes.map(([name, opType, p50Us]) => ({ name, opType, p50Us, meanUs: p50Us, share: p50Us / total })),
    opTypes: [],
  };
}

describe('layerOfNode', () => {
  it.each([
    ['dw_1_relu_nchwc', 'dw_1'],
    ['pw_4_token_49', 'pw_4'],
    ['conv_1_relu', 'conv_1'],
    ['pool_nchwc', 'pool'],
    ['logits', 'logits'],
  ])('%s -> %s', (node, layer) => expect(layerOfNode(node)).toBe(layer));
});

describe('int8SpeedSection', () => {
  it('sums nodes per layer, puts Q/DQ and layout nodes in one row, and divides fp32 by int8', () => {
    const section = int8SpeedSection(
      [
        { variant: 'fp32', optimization: 'all', threads: 1, batch: 1, profile: profile([['to_image', 'Reshape', 3], ['conv_1_relu_nchwc', 'Conv', 20], ['pw_1_relu_nchwc', 'Conv', 24]]) },
        { variant: 'int8', optimization: 'all', threads: 1, batch: 1, profile: profile([['QuantizeLinear_3', 'QuantizeLinear', 3], ['to_image', 'Reshape', 2], ['conv_1_token_2', 'QLinearConv', 40], ['pw_1_token_5', 'QLinearConv', 12]]) },
      ],
      [
        { variant: 'fp32', optimization: 'all', threads: 1, batch: 1, p50Ms: 0.15, p95Ms: 0.2, meanMs: 0.16, p50PerSampleMs: 0.15, speedupVsFp32: 1 },
        { variant: 'int8', optimization: 'all', threads: 1, batch: 1, p50Ms: 0.3, p95Ms: 0.4, meanMs: 0.31, p50PerSampleMs: 0.3, speedupVsFp32: 0.5 },
      ],
      [{ variant: 'int8', optimization: 'all', opTypes: [{ opType: 'com.microsoft.QLinearConv', count: 2 }] }],
    );
    expect(section.table?.rows).toEqual([
      ['quantize / dequantize / layout', '3', '5', '0.60x'],
      ['conv_1', '20', '40', '0.50x'],
      ['pw_1', '24', '12', '2.00x'],
      ['= kernels', '47', '57', '0.82x'],
    ]);
    expect(section.text).toContain('all: fp32 0.150 ms, int8 0.300 ms (0.50x)');
    expect(section.text).toContain('int8 as: com.microsoft.QLinearConv x2');
  });
});
