// evaluateVariants on a hand-encoded ONNX classifier and on the same logits precomputed: identical metrics.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadFileError, type ProgressEvent, type Reporter } from '@whittle/datasets';
import { FIXTURE_CLASSES, linearFixture } from '../testing/linear-fixture.ts';
import { encodeLinearClassifier } from '../testing/tiny-onnx-model.ts';
import { evaluateVariants } from './evaluate-variants.ts';
import type { VariantSpec } from './variant-spec.ts';

const fx = linearFixture();
let dir = '';
let modelPath = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whittle-eval-variants-'));
  modelPath = join(dir, 'model.onnx');
  await writeFile(modelPath, encodeLinearClassifier(fx.model));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Confusion [true][predicted] by hand from the fixture's own predictions. */
function handConfusion(): number[][] {
  const m = FIXTURE_CLASSES.map(() => FIXTURE_CLASSES.map(() => 0));
  fx.predicted.forEach((p, r) => (m[fx.set.labels[r] as number]![p]! += 1));
  return m;
}

const OPTIONS = { latencyRuns: 3, latencyWarmup: 1, threads: 1, batchSize: 4 };

describe.each([
  { kind: 'onnx', spec: (): VariantSpec => ({ id: 'fp32', kind: 'onnx', path: modelPath }) },
  { kind: 'precomputed', spec: (): VariantSpec => ({ id: 'fp32', kind: 'precomputed', logits: fx.logits, sizeBytes: 1234, description: 'same logits, computed in JS' }) },
])('evaluateVariants: $kind variant', ({ kind, spec }) => {
  it('gets the hand-computed accuracy, confusion and recall', async () => {
    const [r] = await evaluateVariants([spec()], fx.set, FIXTURE_CLASSES, OPTIONS);
    expect(r?.kind).toBe(kind);
    expect(r?.metrics.count).toBe(10);
    expect(r?.metrics.accuracy).toBeCloseTo(0.7, 12);
    expect(r?.metrics.confusion).toEqual(handConfusion());
    expect(r?.metrics.perClassRecall['down']).toBeNull();
    expect(Object.values(r?.metrics.perClassCount ?? {}).reduce((a, b) => a + b, 0)).toBe(10);
    expect(r?.agreementWithBaseline).toBeUndefined();
  });

  it('reports size, and latency only for ONNX', async () => {
    const [r] = await evaluateVariants([spec()], fx.set, FIXTURE_CLASSES, OPTIONS);
    if (kind === 'onnx') {
      expect(r?.sizeBytes).toBe((await stat(modelPath)).size);
      expect(r?.sizeBytes).toBe(encodeLinearClassifier(fx.model).length);
      expect(r?.path).toBe(modelPath);
      expect(r?.description).toBe('ONNX model model.onnx');
      const l = r?.latency;
      expect(l?.runs).toBe(3);
      expect(l?.min).toBeGreaterThan(0);
      expect(l!.min).toBeLessThanOrEqual(l!.p50);
      expect(l!.p50).toBeLessThanOrEqual(l!.p95);
      expect(l!.p95).toBeLessThanOrEqual(l!.max);
    } else {
      expect(r?.sizeBytes).toBe(1234);
      expect(r?.path).toBeUndefined();
      expect(r?.latency).toBeUndefined();
    }
  });
});

describe('evaluateVariants: several variants', () => {
  // Rows 0 and 1 get +100 on another class (top-1 flips); row 2 moves within its top-1.
  function perturbed(): Float32Array {
    const l = Float32Array.from(fx.logits);
    const n = FIXTURE_CLASSES.length;
    const bump = (i: number, by: number) => (l[i] = (l[i] as number) + by);
    for (const r of [0, 1]) bump(r * n + (((fx.predicted[r] as number) + 1) % 3), 100);
    bump(2 * n + (fx.predicted[2] as number), 0.5);
    return l;
  }
  const variants = (): VariantSpec[] => [
    { id: 'fp32', kind: 'onnx', path: modelPath },
    { id: 'int8', kind: 'precomputed', logits: perturbed(), sizeBytes: 10, description: 'perturbed' },
    { id: 'tfjs-fp32', kind: 'precomputed', logits: fx.logits, sizeBytes: 20, description: 'exact' },
  ];

  it('gives every non-baseline variant its agreement with fp32', async () => {
    const [fp32, int8, tfjs] = await evaluateVariants(variants(), fx.set, FIXTURE_CLASSES, { ...OPTIONS, latencyRuns: 0 });
    expect(fp32?.agreementWithBaseline).toBeUndefined();
    expect(fp32?.latency).toBeUndefined();
    expect(int8?.agreementWithBaseline?.baseline).toBe('fp32');
    expect(int8?.agreementWithBaseline?.topOne).toBeCloseTo(0.8, 12);
    expect(int8?.agreementWithBaseline?.maxAbsLogitDiff).toBe(100);
    expect(tfjs?.agreementWithBaseline).toEqual({ baseline: 'fp32', topOne: 1, maxAbsLogitDiff: 0 });
    expect(tfjs?.metrics).toEqual(fp32?.metrics);
  });

  it('compares against an explicit baseline instead', async () => {
    const [fp32, int8] = await evaluateVariants(variants(), fx.set, FIXTURE_CLASSES, { ...OPTIONS, latencyRuns: 0, baseline: 'int8' });
    expect(int8?.agreementWithBaseline).toBeUndefined();
    expect(fp32?.agreementWithBaseline).toMatchObject({ baseline: 'int8', maxAbsLogitDiff: 100 });
  });

  it('reports progress through the reporter, not the console', async () => {
    const events: ProgressEvent[] = [];
    const infos: string[] = [];
    const reporter: Reporter = { progress: (e) => events.push(e), info: (m) => infos.push(m), warn: () => undefined };
    await evaluateVariants(variants(), fx.set, FIXTURE_CLASSES, { ...OPTIONS, latencyRuns: 0, reporter });
    expect(events.map((e) => e.done)).toEqual([4, 8, 10]);
    expect(events.every((e) => e.total === 10 && e.stage === 'eval')).toBe(true);
    expect(infos).toHaveLength(3);
  });
});

describe('evaluateVariants: errors say what and where', () => {
  const opts = { ...OPTIONS, latencyRuns: 0 };
  it('names a missing file', async () => {
    await expect(evaluateVariants([{ id: 'x', kind: 'onnx', path: join(dir, 'nope.onnx') }], fx.set, FIXTURE_CLASSES, opts)).rejects.toThrow(BadFileError);
    await expect(evaluateVariants([{ id: 'x', kind: 'onnx', path: join(dir, 'nope.onnx') }], fx.set, FIXTURE_CLASSES, opts)).rejects.toThrow(/nope\.onnx: missing/);
  });
  it('names a file onnxruntime cannot load', async () => {
    const bad = join(dir, 'bad.onnx');
    await writeFile(bad, 'not a model');
    await expect(evaluateVariants([{ id: 'x', kind: 'onnx', path: bad }], fx.set, FIXTURE_CLASSES, opts)).rejects.toThrow(/bad\.onnx: onnxruntime could not load it/);
  });
  it('lists the real inputs when inputName is wrong', async () => {
    await expect(evaluateVariants([{ id: 'x', kind: 'onnx', path: modelPath }], fx.set, FIXTURE_CLASSES, { ...opts, inputName: 'x' })).rejects.toThrow(
      /graph has no input 'x'; its inputs are: input_values/,
    );
  });
  it('rejects a model whose class count differs from classNames', async () => {
    await expect(evaluateVariants([{ id: 'x', kind: 'onnx', path: modelPath }], fx.set, ['a', 'b', 'c'], opts)).rejects.toThrow(/must be float32 \[4, 3\] .* got float32 \[4, 4\]/);
  });
  it('rejects precomputed logits of the wrong length, duplicate ids and bad counts', async () => {
    const pre = (id: string, n: number): VariantSpec => ({ id, kind: 'precomputed', logits: new Float32Array(n), sizeBytes: 1, description: '' });
    await expect(evaluateVariants([pre('a', 7)], fx.set, FIXTURE_CLASSES, opts)).rejects.toThrow(/'a' .* must have 10 x 4 = 40 logits; got 7/);
    await expect(evaluateVariants([pre('a', 40), pre('a', 40)], fx.set, FIXTURE_CLASSES, opts)).rejects.toThrow(/'a' .* more than once/);
    await expect(evaluateVariants([pre('a', 40)], fx.set, FIXTURE_CLASSES, { ...opts, threads: 0 })).rejects.toThrow(/'threads' .* integer >= 1; got 0/);
    await expect(evaluateVariants([pre('a', 40)], fx.set, FIXTURE_CLASSES, { ...opts, baseline: 'fp32' })).rejects.toThrow(/'baseline' .* \(a\); got 'fp32'/);
  });
});
