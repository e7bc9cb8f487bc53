// measureOnnxLatency and the interleaved sweep time real session runs on hand-encoded models and validate their arguments.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearFixture } from '../testing/linear-fixture.ts';
import { encodeLinearClassifier } from '../testing/tiny-onnx-model.ts';
import { measureOnnxLatency, measureOnnxLatencySweep } from './onnx-latency.ts';

const fx = linearFixture();
const oneSample = fx.set.features.slice(0, fx.set.frames * fx.set.bins);
const sample = fx.set.features.slice(0, fx.set.frames * fx.set.bins);
const dims = [1, fx.set.frames, fx.set.bins];
let dir = '';
let path = '';
let path2 = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whittle-eval-latency-'));
  path = join(dir, 'model.onnx');
  await writeFile(path, encodeLinearClassifier(fx.model));
  path2 = join(dir, 'model_copy.onnx');
  await writeFile(path2, encodeLinearClassifier(fx.model));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('measureOnnxLatency', () => {
  it.each([1, 2])('returns ordered positive stats over exactly `runs` runs with %d thread(s)', async (threads) => {
    const s = await measureOnnxLatency(path, sample, dims, { runs: 20, warmup: 2, threads });
    expect(s.runs).toBe(20);
    expect(s.min).toBeGreaterThan(0);
    expect(s.min).toBeLessThanOrEqual(s.p50);
    expect(s.p50).toBeLessThanOrEqual(s.p95);
    expect(s.p95).toBeLessThanOrEqual(s.max);
    expect(s.mean).toBeGreaterThanOrEqual(s.min);
    expect(s.mean).toBeLessThanOrEqual(s.max);
    expect(s.max).toBeLessThan(1000);
  });

  it('rejects a sample that does not match dims, zero runs and an unknown input', async () => {
    await expect(measureOnnxLatency(path, sample, [1, 2, 4], { runs: 1, warmup: 0, threads: 1 })).rejects.toThrow(/must hold 8 values for dims \[1, 2, 4\]; got 6/);
    await expect(measureOnnxLatency(path, sample, dims, { runs: 0, warmup: 0, threads: 1 })).rejects.toThrow(/'runs' .* positive integer; got 0/);
    await expect(measureOnnxLatency(path, sample, dims, { runs: 1, warmup: 0, threads: 1, inputName: 'audio' })).rejects.toThrow(/no input 'audio'; its inputs are: input_values/);
  });
});

describe('measureOnnxLatencySweep', () => {
  it('returns one measurement per model x level x threads x batch, in that order, each over exactly `runs` runs', async () => {
    const m = await measureOnnxLatencySweep([path, path2], oneSample, [fx.set.frames, fx.set.bins], {
      batches: [1, 3],
      threads: [1, 2],
      optimizations: ['disabled', 'all'],
      runs: 7,
      warmup: 1,
      block: 3,
    });
    const expected = [path, path2].flatMap((p) =>
      (['disabled', 'all'] as const).flatMap((optimization) => [1, 2].flatMap((threads) => [1, 3].map((batch) => ({ path: p, config: { batch, threads, optimization } })))),
    );
    expect(m.map(({ path: p, config }) => ({ path: p, config }))).toEqual(expected);
    for (const x of m) {
      expect(x.stats.runs).toBe(7);
      expect(x.stats.min).toBeGreaterThan(0);
      expect(x.stats.p50).toBeLessThanOrEqual(x.stats.p95);
      expect(x.p50PerSampleMs).toBeCloseTo(x.stats.p50 / x.config.batch, 12);
    }
  });

  it("defaults to the 'all' level and rejects empty or invalid grids", async () => {
    const dims = [fx.set.frames, fx.set.bins];
    const [only] = await measureOnnxLatencySweep([path], oneSample, dims, { batches: [2], threads: [1], runs: 2, warmup: 0 });
    expect(only?.config).toEqual({ batch: 2, threads: 1, optimization: 'all' });
    await expect(measureOnnxLatencySweep([], oneSample, dims, { batches: [1], threads: [1], runs: 1, warmup: 0 })).rejects.toThrow(/'paths' .* at least one model/);
    await expect(measureOnnxLatencySweep([path], oneSample, dims, { batches: [0], threads: [1], runs: 1, warmup: 0 })).rejects.toThrow(/'batches' .* positive integer; got 0/);
    await expect(measureOnnxLatencySweep([path], oneSample, dims, { batches: [1], threads: [], runs: 1, warmup: 0 })).rejects.toThrow(/must each list at least one value/);
    await expect(measureOnnxLatencySweep([path], oneSample, dims, { batches: [1], threads: [1], runs: 1, warmup: 0, optimizations: ['max' as 'all'] })).rejects.toThrow(/disabled, basic, extended, all; got 'max'/);
    await expect(measureOnnxLatencySweep([path], oneSample, [2, 2], { batches: [1], threads: [1], runs: 1, warmup: 0 })).rejects.toThrow(/must hold 4 values for dims \[2, 2\]; got 6/);
  });
});
