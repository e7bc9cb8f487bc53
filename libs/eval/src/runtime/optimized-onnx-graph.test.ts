// The graph onnxruntime runs after optimization (decoded by @whittle/quantize), and which QDQ patterns fused.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOnnxModel } from '@whittle/quantize';
import { tinyConvInt8Model, tinyConvModel } from '../testing/tiny-conv-model.ts';
import { optimizedOnnxGraph, qualifiedOpType } from './optimized-onnx-graph.ts';

let dir = '';
let fp32Path = '';
let int8Path = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whittle-eval-optimized-'));
  fp32Path = join(dir, 'model.onnx');
  int8Path = join(dir, 'model_int8.onnx');
  await writeFile(fp32Path, encodeOnnxModel(tinyConvModel()));
  await writeFile(int8Path, encodeOnnxModel(await tinyConvInt8Model()));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('optimizedOnnxGraph', () => {
  it("keeps the graph as written at 'disabled'", async () => {
    const g = await optimizedOnnxGraph(fp32Path, { threads: 1, optimization: 'disabled' });
    expect(g.nodes.map((n) => n.name)).toEqual(tinyConvModel().graph.nodes.map((n) => n.name));
    expect(g.opTypes.find((t) => t.opType === 'Conv')?.count).toBe(3);
  });

  it("fuses Conv+Relu into FusedConv at 'extended' on fp32", async () => {
    const g = await optimizedOnnxGraph(fp32Path, { threads: 1, optimization: 'extended' });
    expect(g.opTypes.find((t) => t.opType === 'com.microsoft.FusedConv')?.count).toBe(3);
    expect(g.opTypes.find((t) => t.opType === 'Relu')).toBeUndefined();
  });

  it.each(['extended', 'all'] as const)("turns each DequantizeLinear -> Conv -> Relu -> QuantizeLinear of the int8 model into one QLinearConv at '%s'", async (optimization) => {
    const g = await optimizedOnnxGraph(int8Path, { threads: 1, optimization });
    const counts = Object.fromEntries(g.opTypes.map((t) => [t.opType, t.count]));
    expect((counts['QLinearConv'] ?? 0) + (counts['com.microsoft.QLinearConv'] ?? 0)).toBe(3);
    expect(counts['Conv']).toBeUndefined();
    expect(counts['Relu']).toBeUndefined();
    expect(g.opTypes.reduce((a, t) => a + t.count, 0)).toBe(g.nodes.length);
  });

  it('names contrib-domain op types with their domain', () => {
    expect(qualifiedOpType({ opType: 'QLinearConv', domain: 'com.microsoft' })).toBe('com.microsoft.QLinearConv');
    expect(qualifiedOpType({ opType: 'Conv', domain: '' })).toBe('Conv');
  });
});
