// measureOnnxLatency times real session runs on a hand-encoded model and validates its arguments.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearFixture } from '../testing/linear-fixture.ts';
import { encodeLinearClassifier } from '../testing/tiny-onnx-model.ts';
import { measureOnnxLatency } from './onnx-latency.ts';

const fx = linearFixture();
const sample = fx.set.features.slice(0, fx.set.frames * fx.set.bins);
const dims = [1, fx.set.frames, fx.set.bins];
let dir = '';
let path = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whittle-eval-latency-'));
  path = join(dir, 'model.onnx');
  await writeFile(path, encodeLinearClassifier(fx.model));
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
