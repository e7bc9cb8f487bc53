// `whittle bench quantize`: variant discovery, flag parsing, and the table/JSON it prints for a tiny DS-CNN-S run folder.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KWS_LABELS, SILENT_REPORTER } from '@whittle/datasets';
import { getModelSpec } from '@whittle/distill';
import { collectMinMax, DEFAULT_EXPORT_CONFIG, DEFAULT_STATIC_QUANTIZE_CONFIG, encodeOnnxModel, exportLayersModel, quantizeStatic } from '@whittle/quantize';
import { parseOptions } from '../cli/options.ts';
import { benchQuantizeCommand, findVariants, parseCountList, type QuantizeBenchResult } from './bench-quantize.ts';
import { randomFeatureSet } from './random-feature-set.ts';

const FRAMES = 20;
const BINS = 8;
let dir = '';

async function bench(argv: string[]): Promise<string> {
  const out: string[] = [];
  const { options } = parseOptions(benchQuantizeCommand.spec, argv);
  await benchQuantizeCommand.run(options, [], { stdout: (t) => void out.push(t), reporter: SILENT_REPORTER });
  return out.join('\n');
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'whittle-bench-quantize-'));
  await mkdir(join(dir, 'onnx'));
  // A seeded DS-CNN-S on a 20x8 input: the shipped architecture, small enough to quantize and time in a second.
  const model = getModelSpec('ds-cnn-s').build({ inputFrames: FRAMES, inputBins: BINS, numClasses: KWS_LABELS.length }, 1);
  const fp32 = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
  model.dispose();
  const calib = randomFeatureSet(8, FRAMES, BINS, 3);
  const stride = FRAMES * BINS;
  const feeds = Array.from({ length: calib.count }, (_, i) => ({ [DEFAULT_EXPORT_CONFIG.inputName]: { data: calib.features.slice(i * stride, (i + 1) * stride), dims: [1, FRAMES, BINS] } }));
  await writeFile(join(dir, 'onnx', 'model.onnx'), encodeOnnxModel(fp32));
  await writeFile(join(dir, 'onnx', 'model_int8.onnx'), encodeOnnxModel(quantizeStatic(fp32, await collectMinMax(fp32, feeds, {}), DEFAULT_STATIC_QUANTIZE_CONFIG)));
  await writeFile(join(dir, 'onnx', 'onnx.json'), '{}');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const TINY = ['--frames', String(FRAMES), '--bins', String(BINS), '--runs', '4', '--warmup', '1'];

describe('whittle bench quantize', () => {
  it('finds model.onnx as fp32 first and model_<x>.onnx as x, ignoring other files', async () => {
    expect(await findVariants(join(dir, 'onnx'))).toEqual([
      { id: 'fp32', path: join(dir, 'onnx', 'model.onnx') },
      { id: 'int8', path: join(dir, 'onnx', 'model_int8.onnx') },
    ]);
    await expect(findVariants(join(dir, 'nope'))).rejects.toThrow(/nope.*missing/);
  });

  it("parses count lists, with 'all' meaning every core where allowed", () => {
    expect(parseCountList('batch', '1,32,1', false)).toEqual([1, 32]);
    expect(parseCountList('threads', '1,all', true)).toEqual(availableParallelism() === 1 ? [1] : [1, availableParallelism()]);
    expect(() => parseCountList('batch', '1,all', false)).toThrow(/'--batch' .* integers ≥ 1; got '1,all'/);
    expect(() => parseCountList('threads', '0', true)).toThrow(/integers ≥ 1 or 'all'; got '0'/);
  });

  it('--json measures every variant at every batch, threads and level, with fp32 as the 1.00x reference', async () => {
    const r = JSON.parse(await bench(['--run', dir, '--json', '--batch', '1,3', '--threads', '1', '--optimization', 'basic,all', ...TINY])) as QuantizeBenchResult;
    expect(r.inputShape).toEqual([FRAMES, BINS]);
    expect(r.measurements.map((m) => `${m.variant}/${m.optimization}/${m.threads}/${m.batch}`)).toEqual([
      'fp32/basic/1/1',
      'fp32/basic/1/3',
      'fp32/all/1/1',
      'fp32/all/1/3',
      'int8/basic/1/1',
      'int8/basic/1/3',
      'int8/all/1/1',
      'int8/all/1/3',
    ]);
    for (const m of r.measurements) {
      expect(m.p50Ms).toBeGreaterThan(0);
      expect(m.p50Ms).toBeLessThanOrEqual(m.p95Ms);
      expect(m.p50PerSampleMs).toBeCloseTo(m.p50Ms / m.batch, 12);
      if (m.variant === 'fp32') expect(m.speedupVsFp32).toBe(1);
    }
    const fp = r.measurements.find((m) => m.variant === 'fp32' && m.batch === 3 && m.optimization === 'all');
    const q = r.measurements.find((m) => m.variant === 'int8' && m.batch === 3 && m.optimization === 'all');
    expect(q?.speedupVsFp32).toBeCloseTo((fp?.p50Ms ?? NaN) / (q?.p50Ms ?? NaN), 12);
    expect(r.profiles).toBeUndefined();
  });

  it('--profile adds per-op-type profiles and the fused op types of each variant', async () => {
    const r = JSON.parse(await bench(['--run', dir, '--json', '--profile', '--batch', '1', '--threads', '1', '--optimization', 'extended', ...TINY])) as QuantizeBenchResult;
    expect(r.profiles?.map((p) => p.variant)).toEqual(['fp32', 'int8']);
    const int8Types = r.profiles?.[1]?.profile.opTypes.map((t) => t.opType) ?? [];
    expect(int8Types).toContain('QLinearConv');
    expect(int8Types).not.toContain('Conv');
    expect(r.profiles?.[0]?.profile.opTypes.map((t) => t.opType)).toContain('FusedConv');
    // DS-CNN-S has 9 convolutions; at 'extended' every QDQ-wrapped one is a single QLinearConv.
    expect(r.optimizedGraphs?.[1]?.opTypes.find((t) => t.opType === 'QLinearConv')?.count).toBe(9);
    expect(r.optimizedGraphs?.[0]?.opTypes.find((t) => t.opType === 'com.microsoft.FusedConv')?.count).toBe(9);
  });

  it('prints a table with the fp32 ratio, and the profile side by side with --profile', async () => {
    const text = await bench(['--run', dir, '--profile', '--batch', '1', '--threads', '1', ...TINY]);
    expect(text).toMatch(/^variant\s+opt\s+threads\s+batch\s+p50 ms\s+p95 ms\s+p50\/sample\s+fp32\/this$/m);
    expect(text).toMatch(/^fp32\s+all\s+1\s+1\s+\d+\.\d{3}\s+\d+\.\d{3}\s+\d+\.\d{4}\s+1\.00x$/m);
    expect(text).toMatch(/^int8\s+all\s+1\s+1\s+.*\d\.\d\dx$/m);
    expect(text).toMatch(/^op type\s+fp32\s+int8$/m);
    expect(text).toMatch(/^QLinearConv\s+-\s+\d+\.\d \/ \d+\.\d \(\d+%\) x9$/m);
    expect(text).toMatch(/int8 @ all: com\.microsoft\.QLinearConv x9/);
  });

  it('rejects a missing --run, a run without ONNX files and bad lists', async () => {
    await expect(bench([])).rejects.toThrow(/'--run' of 'whittle bench quantize' is required/);
    const empty = await mkdtemp(join(tmpdir(), 'whittle-bench-quantize-empty-'));
    await mkdir(join(empty, 'onnx'));
    await expect(bench(['--run', empty])).rejects.toThrow(/has no model\.onnx or model_\*\.onnx/);
    await rm(empty, { recursive: true, force: true });
    await expect(bench(['--run', dir, '--optimization', 'max'])).rejects.toThrow(/disabled, basic, extended, all; got 'max'/);
    await expect(bench(['--run', dir, '--runs', '0'])).rejects.toThrow(/'--runs' .* ≥ 1; got 0/);
  });
});
