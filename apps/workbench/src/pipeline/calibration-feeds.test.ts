// Calibration feeds: rows copied, in order, into batches of CALIBRATION_BATCH (32).
import { describe, expect, it } from 'vitest';
import type { FeatureSet } from '@whittle/datasets';
import { DEFAULT_EXPORT_CONFIG } from '@whittle/quantize';
import { CALIBRATION_BATCH, calibrationFeeds } from './calibration-feeds.ts';

const FRAMES = 2;
const BINS = 3;

/** Every value of row r is r, so a fed row names itself. */
function rowsNamed(count: number): FeatureSet {
  const stride = FRAMES * BINS;
  const features = new Float32Array(count * stride);
  for (let r = 0; r < count; r++) features.fill(r, r * stride, (r + 1) * stride);
  return { features, frames: FRAMES, bins: BINS, count, labels: new Int32Array(count), ids: Array.from({ length: count }, (_, r) => `clip-${r}`) };
}

describe('calibrationFeeds', () => {
  it('copies the given rows, in order, into feeds of at most 32 rows of the graph input', () => {
    expect(CALIBRATION_BATCH).toBe(32);
    const rows = Array.from({ length: 70 }, (_, i) => (i * 13) % 100);
    const feeds = calibrationFeeds(rowsNamed(100), rows);
    expect(feeds.map((f) => f[DEFAULT_EXPORT_CONFIG.inputName]?.dims)).toEqual([
      [32, FRAMES, BINS],
      [32, FRAMES, BINS],
      [6, FRAMES, BINS],
    ]);
    const fed = feeds.flatMap((f) => Array.from({ length: (f[DEFAULT_EXPORT_CONFIG.inputName]?.dims[0] as number) }, (_, i) => Array.from((f[DEFAULT_EXPORT_CONFIG.inputName]?.data as Float32Array).subarray(i * FRAMES * BINS, (i + 1) * FRAMES * BINS))));
    expect(fed).toEqual(rows.map((r) => Array(FRAMES * BINS).fill(r)));
  });

  it('names another input when asked, and rejects rows outside the set', () => {
    expect(Object.keys(calibrationFeeds(rowsNamed(3), [0, 1, 2], 'x')[0] ?? {})).toEqual(['x']);
    expect(() => calibrationFeeds(rowsNamed(3), [0, 3])).toThrow(/'rows' passed to 'calibrationFeeds' must be row indices in \[0, 3\); got 3/);
  });
});
