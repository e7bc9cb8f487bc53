// Calibration rows: 'training' takes clean rows, 'training-augmented' the same clips from the clean set and its copies.
import { describe, expect, it } from 'vitest';
import { SeededRandom, type FeatureSet } from '@whittle/datasets';
import { calibrationDataWords, calibrationOrder, calibrationRows, calibrationVersionSeed, gatherCalibrationSet } from './calibration-rows.ts';

const ROWS = 400;
const FRAMES = 2;
const BINS = 3;

/** Version k of the training set: every value of row r is 1000·k + r, so a gathered row names its version and row. */
function version(k: number, rows = ROWS): FeatureSet {
  const stride = FRAMES * BINS;
  const features = new Float32Array(rows * stride);
  for (let r = 0; r < rows; r++) features.fill(1000 * k + r, r * stride, (r + 1) * stride);
  return { features, frames: FRAMES, bins: BINS, count: rows, labels: Int32Array.from({ length: rows }, (_, r) => r % 12), ids: Array.from({ length: rows }, (_, r) => `clip-${r}`) };
}

const versions = [version(0), version(1), version(2)];
// A fixed permutation standing in for the stage's seeded order.
const order = Array.from({ length: ROWS }, (_, i) => (i * 7 + 3) % ROWS);

describe('calibrationOrder', () => {
  it('is a seeded permutation of every row', () => {
    const order = calibrationOrder(100, 42);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(calibrationOrder(100, 42)).toEqual(order);
    expect(calibrationOrder(100, 43)).not.toEqual(order);
  });

  it("is the order the quantize stage has always calibrated the published int8 on (seed ^ 0xca1), so runs keep their clips", () => {
    expect(calibrationOrder(50, 42)).toEqual(new SeededRandom(42 ^ 0xca1).shuffle(Array.from({ length: 50 }, (_, i) => i)));
  });
});

describe('calibrationVersionSeed', () => {
  it('is the run seed xor 0xca2 as an unsigned 32-bit integer, so recorded runs keep their draws', () => {
    expect(calibrationVersionSeed(42)).toBe(42 ^ 0xca2);
    expect(calibrationVersionSeed(-1)).toBe(0xfffff35d);
  });
});

describe('calibrationRows', () => {
  it("'training' takes the first samples of the order, all clean", () => {
    expect(calibrationRows(order, 5, 'training', 2, 1)).toEqual(order.slice(0, 5).map((row) => ({ version: 0, row })));
    expect(calibrationRows(order, 10_000, 'training', 2, 1)).toHaveLength(ROWS);
  });

  it("'training-augmented' takes the same clips, from the clean set and every copy about equally", () => {
    const rows = calibrationRows(order, 300, 'training-augmented', 2, 7);
    expect(rows.map((r) => r.row)).toEqual(order.slice(0, 300));
    const share = [0, 1, 2].map((v) => rows.filter((r) => r.version === v).length / rows.length);
    // Each share is 1/3 in expectation; 300 draws put it within ±0.1 with probability > 0.999 (binomial sd 0.027).
    for (const s of share) expect(Math.abs(s - 1 / 3)).toBeLessThan(0.1);
  });

  it('is deterministic by seed, and raising samples keeps the earlier draws', () => {
    const a = calibrationRows(order, 200, 'training-augmented', 2, 7);
    expect(calibrationRows(order, 200, 'training-augmented', 2, 7)).toEqual(a);
    expect(calibrationRows(order, 50, 'training-augmented', 2, 7)).toEqual(a.slice(0, 50));
    expect(calibrationRows(order, 200, 'training-augmented', 2, 8).map((r) => r.version)).not.toEqual(a.map((r) => r.version));
  });

  it('gives the clean rows when the run has no copies', () => {
    expect(calibrationRows(order, 20, 'training-augmented', 0, 7)).toEqual(calibrationRows(order, 20, 'training', 0, 7));
  });

  it('names a bad data source, a bad sample count and a bad copy count', () => {
    expect(() => calibrationRows(order, 5, 'validation' as never, 2, 1)).toThrow('Calibration data must be one of training, training-augmented; got "validation"');
    for (const samples of [0, 2.5, -3, Number.NaN]) {
      expect(() => calibrationRows(order, samples, 'training', 2, 1)).toThrow(`Argument 'samples' passed to 'calibrationRows' must be an integer >= 1; got ${JSON.stringify(samples)}`);
    }
    expect(() => calibrationRows(order, 5, 'training', -1, 1)).toThrow("Argument 'copies' passed to 'calibrationRows' must be an integer >= 0; got -1");
  });
});

describe('gatherCalibrationSet', () => {
  it("copies each 'training-augmented' row out of the version it was drawn from, keeping its label and id", () => {
    const rows = calibrationRows(order, 64, 'training-augmented', 2, 7);
    const set = gatherCalibrationSet(versions, rows);
    expect(set.count).toBe(64);
    const stride = FRAMES * BINS;
    rows.forEach(({ version: v, row }, i) => {
      expect([...set.features.subarray(i * stride, (i + 1) * stride)]).toEqual(new Array(stride).fill(1000 * v + row));
      expect(set.labels[i]).toBe(row % 12);
      expect(set.ids[i]).toBe(`clip-${row}`);
    });
    // Copies really are used: some gathered values come from copy 1 and some from copy 2.
    const fromVersion = (v: number) => rows.filter((r) => r.version === v).length;
    expect(fromVersion(1)).toBeGreaterThan(0);
    expect(fromVersion(2)).toBeGreaterThan(0);
    expect(set.features.some((x) => x >= 2000)).toBe(true);
  });

  it("'training' rows are the clean rows only", () => {
    const set = gatherCalibrationSet(versions, calibrationRows(order, 64, 'training', 2, 7));
    expect(set.features.every((x) => x < 1000)).toBe(true);
  });

  it('rejects copies that do not hold the training rows, and rows outside them', () => {
    expect(() => gatherCalibrationSet([version(0), version(1, ROWS - 1)], [])).toThrow(`Calibration version 1 must hold the ${ROWS} training rows of 2x3 features; got ${ROWS - 1} of 2x3`);
    expect(() => gatherCalibrationSet(versions, [{ version: 3, row: 0 }])).toThrow(RangeError);
    expect(() => gatherCalibrationSet([], [])).toThrow(/at least the clean training set/);
  });
});

describe('calibrationDataWords', () => {
  it('says which versions of the clips were used', () => {
    expect(calibrationDataWords('training', 2)).toBe('training clips');
    expect(calibrationDataWords('training-augmented', 2)).toBe('training clips, each clean or one of its 2 augmented copies (equal chance)');
    expect(calibrationDataWords('training-augmented', 1)).toBe('training clips, each clean or its augmented copy (equal chance)');
    expect(calibrationDataWords('training-augmented', 0)).toContain('no augmented copies');
    // A record written before the copy count was kept.
    expect(calibrationDataWords('training-augmented', undefined)).toBe('training clips, each clean or one of its augmented copies (equal chance)');
  });
});
