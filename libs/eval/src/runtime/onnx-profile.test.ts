// onnxruntime's profile of a tiny DS-CNN: every node appears, times add up, warm-up runs are dropped; the parser on hand-made traces.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOnnxModel } from '@whittle/quantize';
import { TINY_CONV_DIMS, TINY_CONV_NODES, tinyConvInputs, tinyConvInt8Model, tinyConvModel } from '../testing/tiny-conv-model.ts';
import { parseOnnxProfile, profileOnnxModel } from './onnx-profile.ts';

const sample = tinyConvInputs(1);
const dims = [TINY_CONV_DIMS.frames, TINY_CONV_DIMS.bins];
let dir = '';
let fp32Path = '';
let int8Path = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whittle-eval-profile-'));
  fp32Path = join(dir, 'model.onnx');
  int8Path = join(dir, 'model_int8.onnx');
  await writeFile(fp32Path, encodeOnnxModel(tinyConvModel()));
  await writeFile(int8Path, encodeOnnxModel(await tinyConvInt8Model()));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('profileOnnxModel', () => {
  it('lists every node of the unoptimized graph once, with its op type and non-negative times that sum to the total', async () => {
    const p = await profileOnnxModel(fp32Path, sample, dims, { runs: 5, warmup: 2, threads: 1, optimization: 'disabled' });
    expect(p.runs).toBe(5);
    expect(p.nodes.map((n) => n.name).sort()).toEqual([...TINY_CONV_NODES].sort());
    expect(p.nodes.find((n) => n.name === 'dw_1')?.opType).toBe('Conv');
    expect(p.nodes.find((n) => n.name === 'logits')?.opType).toBe('Gemm');
    for (const n of p.nodes) {
      expect(n.meanUs).toBeGreaterThanOrEqual(0);
      expect(n.share).toBeGreaterThanOrEqual(0);
    }
    expect(p.nodes.reduce((a, n) => a + n.meanUs, 0)).toBeCloseTo(p.kernelMeanUs, 6);
    expect(p.nodes.reduce((a, n) => a + n.share, 0)).toBeCloseTo(1, 9);
    // Op types group the nodes: 3 Conv, 3 Relu, and one each of the rest.
    const conv = p.opTypes.find((t) => t.opType === 'Conv');
    expect(conv?.nodes).toBe(3);
    expect(p.opTypes.find((t) => t.opType === 'Relu')?.nodes).toBe(3);
    expect(p.opTypes.reduce((a, t) => a + t.nodes, 0)).toBe(TINY_CONV_NODES.length);
    expect(conv?.meanUs).toBeCloseTo(p.nodes.filter((n) => n.opType === 'Conv').reduce((a, n) => a + n.meanUs, 0), 6);
    expect(p.runMeanUs).toBeGreaterThanOrEqual(p.kernelMeanUs);
  });

  it('profiles the int8 model after fusion at batch 4: QDQ around the convs runs as QLinearConv kernels', async () => {
    const p = await profileOnnxModel(int8Path, sample, dims, { runs: 3, warmup: 1, threads: 1, batch: 4 });
    expect(p.runs).toBe(3);
    expect(p.opTypes.find((t) => t.opType === 'QLinearConv')?.nodes).toBe(3);
    expect(p.opTypes.find((t) => t.opType === 'Conv')).toBeUndefined();
  });

  it('rejects a sample of the wrong size and a zero run count', async () => {
    await expect(profileOnnxModel(fp32Path, sample.subarray(1), dims, { runs: 1, warmup: 0, threads: 1 })).rejects.toThrow(/must hold 40 values for dims \[8, 5\]; got 39/);
    await expect(profileOnnxModel(fp32Path, sample, dims, { runs: 0, warmup: 0, threads: 1 })).rejects.toThrow(/'runs' .* integer >= 1; got 0/);
  });
});

describe('parseOnnxProfile', () => {
  const run = (ts: number, dur: number) => ({ cat: 'Session', name: 'model_run', ts, dur, ph: 'X' });
  const kernel = (name: string, op: string, ts: number, dur: number) => ({ cat: 'Node', name: `${name}_kernel_time`, ts, dur, args: { op_name: op } });
  // Two runs; the first is warm-up. Fence events and session init must not count.
  const trace = [
    { cat: 'Session', name: 'session_initialization', ts: 0, dur: 50 },
    run(100, 40),
    kernel('a', 'Conv', 101, 30),
    kernel('b', 'Relu', 132, 5),
    run(200, 20),
    { cat: 'Node', name: 'a_fence_before', ts: 200, dur: 0, args: { op_name: 'Conv' } },
    kernel('a', 'Conv', 201, 9),
    kernel('b', 'Relu', 211, 1),
    kernel('c', 'Conv', 213, 2),
  ];

  it('averages kernel times over the runs after the skipped ones and groups them by op type', () => {
    const p = parseOnnxProfile(trace, { skipRuns: 1 });
    expect(p.runs).toBe(1);
    expect(p.runMeanUs).toBe(20);
    expect(p.kernelMeanUs).toBe(12);
    expect(p.runP50Us).toBe(20);
    expect(p.nodes).toEqual([
      { name: 'a', opType: 'Conv', meanUs: 9, p50Us: 9, share: 0.75 },
      { name: 'b', opType: 'Relu', meanUs: 1, p50Us: 1, share: 1 / 12 },
      { name: 'c', opType: 'Conv', meanUs: 2, p50Us: 2, share: 2 / 12 },
    ]);
    expect(p.opTypes).toEqual([
      { opType: 'Conv', nodes: 2, meanUs: 11, p50Us: 11, share: 11 / 12 },
      { opType: 'Relu', nodes: 1, meanUs: 1, p50Us: 1, share: 1 / 12 },
    ]);
  });

  it('keeps every run without skipRuns and accepts { traceEvents }; a node missing from a run counts 0 there', () => {
    const p = parseOnnxProfile({ traceEvents: trace });
    expect(p.runs).toBe(2);
    expect(p.runMeanUs).toBe(30);
    expect(p.nodes.find((n) => n.name === 'a')?.meanUs).toBe(19.5);
    expect(p.nodes.find((n) => n.name === 'c')?.meanUs).toBe(1);
    expect(p.opTypes.find((t) => t.opType === 'Conv')).toEqual({ opType: 'Conv', nodes: 2, meanUs: 20.5, p50Us: 20.5, share: 20.5 / 23.5 });
  });

  it('uses the median of a node over runs, which one slow (preempted) run does not move', () => {
    const runs = [10, 11, 500].flatMap((us, i) => [run(1000 * i, 600), kernel('a', 'Conv', 1000 * i + 1, us)]);
    const p = parseOnnxProfile(runs);
    expect(p.nodes[0]?.p50Us).toBe(11);
    expect(p.nodes[0]?.meanUs).toBeCloseTo(521 / 3, 9);
  });

  it('rejects a trace that is not one, or has no run left after the warm-up', () => {
    expect(() => parseOnnxProfile({ events: [] })).toThrow(/not a chrome-trace profile/);
    expect(() => parseOnnxProfile(trace, { skipRuns: 2 })).toThrow(/has 2 model_run events; need more than the 2 skipped/);
  });
});
