// The keyword spotter's quantize settings: each comparison changes one lever of the published recipe; flags validate.
import { describe, expect, it } from 'vitest';
import { resolveStaticQuantizeConfig } from '@whittle/quantize';
import { withQuantizeFlags } from '../commands/common-options.ts';
import { checkQuantizeSettings, comparisonCalibrationData, comparisonConfig, DEFAULT_QUANTIZE_SETTINGS, DEFAULT_STATIC_COMPARISONS } from './quantize-settings.ts';

describe('comparisonConfig', () => {
  const int8 = resolveStaticQuantizeConfig({ calibration: { method: 'minmax', samples: 100 } });

  it.each(DEFAULT_STATIC_COMPARISONS.map((c) => [c.id, c] as const))('%s differs from the published recipe in exactly one lever (recipe field or calibration data)', (_id, comparison) => {
    const recipe = comparisonConfig(int8, comparison);
    const differing = (['weights', 'activations', 'calibration'] as const).filter((k) => JSON.stringify(recipe[k]) !== JSON.stringify(int8[k]));
    const data = comparisonCalibrationData(DEFAULT_QUANTIZE_SETTINGS, comparison) !== DEFAULT_QUANTIZE_SETTINGS.calibrationData ? ['calibrationData'] : [];
    expect([...differing, ...data]).toHaveLength(1);
    expect(recipe.calibration.samples).toBe(100);
  });

  it('int8-augmented-calibration is the published recipe calibrated on the augmented training copies', () => {
    const comparison = DEFAULT_STATIC_COMPARISONS.find((c) => c.id === 'int8-augmented-calibration');
    expect(comparison).toBeDefined();
    expect(comparisonConfig(int8, comparison!)).toEqual(int8);
    expect(comparisonCalibrationData({ calibrationData: 'training' }, comparison!)).toBe('training-augmented');
    expect(comparisonCalibrationData({ calibrationData: 'training-augmented' }, { id: 'x', change: {} })).toBe('training-augmented');
  });

  it('a calibration method switch takes that method’s defaults', () => {
    expect(comparisonConfig(int8, { id: 'p', change: { calibration: { method: 'percentile' } } }).calibration).toEqual({ method: 'percentile', samples: 100, percentile: 99.99 });
    expect(comparisonConfig(int8, { id: 'e', change: { calibration: { method: 'entropy' } } }).calibration).toMatchObject({ method: 'entropy', samples: 100, bins: 2048 });
  });
});

describe('checkQuantizeSettings', () => {
  it('rejects a negative bound, a zero sample count and duplicate comparison ids, naming the setting', () => {
    expect(() => checkQuantizeSettings({ ...DEFAULT_QUANTIZE_SETTINGS, maxDrop: -1 })).toThrow("Quantize setting 'maxDrop' must be a number of accuracy points >= 0 (or none); got -1");
    expect(() => checkQuantizeSettings({ ...DEFAULT_QUANTIZE_SETTINGS, debugSamples: 0 })).toThrow("'debugSamples' must be a positive integer; got 0");
    const twice = [...DEFAULT_STATIC_COMPARISONS, DEFAULT_STATIC_COMPARISONS[0]!];
    expect(() => checkQuantizeSettings({ ...DEFAULT_QUANTIZE_SETTINGS, compare: twice })).toThrow("lists variant 'int8-per-tensor' twice");
  });

  it('accepts both calibration data sources and names an unknown one, for the published int8 and for a comparison', () => {
    expect(DEFAULT_QUANTIZE_SETTINGS.calibrationData).toBe('training');
    expect(checkQuantizeSettings({ ...DEFAULT_QUANTIZE_SETTINGS, calibrationData: 'training-augmented' }).calibrationData).toBe('training-augmented');
    expect(() => checkQuantizeSettings({ ...DEFAULT_QUANTIZE_SETTINGS, calibrationData: 'testing' as never })).toThrow(
      `Quantize setting 'calibrationData' must be one of training, training-augmented; got "testing"`,
    );
    const bad = [{ id: 'int8-odd', change: {}, calibrationData: 'validation' as never }];
    expect(() => checkQuantizeSettings({ ...DEFAULT_QUANTIZE_SETTINGS, compare: bad })).toThrow(`variant 'int8-odd' has calibrationData "validation"; expected one of training, training-augmented`);
  });
});

describe('withQuantizeFlags', () => {
  it('leaves the settings alone without flags', () => {
    expect(withQuantizeFlags(DEFAULT_QUANTIZE_SETTINGS, {})).toEqual(DEFAULT_QUANTIZE_SETTINGS);
  });

  it('applies every flag to the published recipe', () => {
    const s = withQuantizeFlags(DEFAULT_QUANTIZE_SETTINGS, {
      'max-drop': 'none',
      calibration: 'percentile',
      percentile: 99.9,
      'calibration-samples': 64,
      'calibration-data': 'training-augmented',
      weights: 'per-tensor',
      activations: 'uint8',
      'symmetric-activations': true,
      'qat-epochs': 0,
    });
    expect(s.maxDrop).toBeNull();
    expect(s.qat).toBeNull();
    expect(s.calibrationData).toBe('training-augmented');
    expect(s.int8).toEqual({
      mode: 'static',
      weights: { type: 'int8', granularity: 'per-tensor', symmetric: true },
      activations: { type: 'uint8', symmetric: true },
      calibration: { method: 'percentile', samples: 64, percentile: 99.9 },
    });
    expect(withQuantizeFlags(DEFAULT_QUANTIZE_SETTINGS, { 'max-drop': '0.5', 'qat-epochs': 3 })).toMatchObject({ maxDrop: 0.5, qat: { epochs: 3 } });
  });

  it('explains bad flags', () => {
    expect(() => withQuantizeFlags(DEFAULT_QUANTIZE_SETTINGS, { 'max-drop': 'half' })).toThrow(`Flag '--max-drop' must be a number of accuracy points >= 0 or "none"; got 'half'`);
    expect(() => withQuantizeFlags(DEFAULT_QUANTIZE_SETTINGS, { percentile: 99 })).toThrow("Flag '--percentile' needs '--calibration percentile'; got --calibration minmax");
    expect(() => withQuantizeFlags(DEFAULT_QUANTIZE_SETTINGS, { 'qat-epochs': -1 })).toThrow("Flag '--qat-epochs' must be an integer >= 0; got -1");
    expect(() => withQuantizeFlags(DEFAULT_QUANTIZE_SETTINGS, { 'calibration-data': 'augmented' })).toThrow("Flag '--calibration-data' must be one of training, training-augmented; got 'augmented'");
    expect(() => withQuantizeFlags(DEFAULT_QUANTIZE_SETTINGS, { calibration: 'percentile', percentile: 40 })).toThrow(/percentile/);
  });
});
