// Deltas against the baseline, baseline choice, and JSON-safety of the assembled report.
import { describe, expect, it } from 'vitest';
import { SAMPLE_CLASSES, sampleVariants } from '../testing/sample-variants.ts';
import { buildComparisonReport } from './comparison-report.ts';

const DATASET = { dir: '/data/sc', split: 'testing', clips: 10, speakers: { training: 4, testing: 2 } };

describe('buildComparisonReport', () => {
  it('computes accuracy points, size ratio and p50 ratio for every variant against fp32', () => {
    const r = buildComparisonReport({ title: 't', variants: sampleVariants(), classNames: SAMPLE_CLASSES, dataset: DATASET, generatedAt: '2025-01-01T00:00:00.000Z' });
    expect(r.baseline).toBe('fp32');
    expect(r.deltas['fp32']).toEqual({ accuracyPoints: 0, sizeRatio: 1, latencyP50Ratio: 1 });
    expect(r.deltas['int8']?.accuracyPoints).toBeCloseTo(-10, 10);
    expect(r.deltas['int8']?.sizeRatio).toBe(0.25);
    expect(r.deltas['int8']?.latencyP50Ratio).toBe(0.5);
    expect(r.deltas['tfjs-fp32']).toEqual({ accuracyPoints: 0, sizeRatio: 1.25, latencyP50Ratio: null });
    expect(r.generatedAt).toBe('2025-01-01T00:00:00.000Z');
    expect(r.extra).toBeUndefined();
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('honours an explicit baseline', () => {
    const r = buildComparisonReport({ title: 't', variants: sampleVariants(), classNames: SAMPLE_CLASSES, dataset: DATASET, baseline: 'int8' });
    expect(r.baseline).toBe('int8');
    expect(r.deltas['fp32']?.accuracyPoints).toBeCloseTo(10, 10);
    expect(r.deltas['fp32']?.sizeRatio).toBe(4);
    expect(r.deltas['tfjs-fp32']?.latencyP50Ratio).toBeNull();
  });

  it('falls back to the first variant when there is no fp32, and rejects an unknown explicit baseline', () => {
    const [, int8, tfjs] = sampleVariants();
    const r = buildComparisonReport({ title: 't', variants: [tfjs!, int8!], classNames: SAMPLE_CLASSES, dataset: DATASET });
    expect(r.baseline).toBe('tfjs-fp32');
    expect(r.deltas['int8']?.sizeRatio).toBe(0.2);
    expect(() => buildComparisonReport({ title: 't', variants: sampleVariants(), classNames: SAMPLE_CLASSES, dataset: DATASET, baseline: 'fp16' })).toThrow(
      /'baseline' .* must be one of the variant ids \(fp32, int8, tfjs-fp32\); got 'fp16'/,
    );
    expect(() => buildComparisonReport({ title: 't', variants: [], classNames: SAMPLE_CLASSES, dataset: DATASET })).toThrow(/must not be empty/);
  });
});
