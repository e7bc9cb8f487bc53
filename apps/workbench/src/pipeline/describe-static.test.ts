// A static recipe in words: every lever, and the number of rows it really calibrated on.
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATIC_QUANTIZE_CONFIG, resolveStaticQuantizeConfig } from '@whittle/quantize';
import { describeStatic } from './describe-static.ts';

describe('describeStatic', () => {
  it('names weights, activations, calibrator, the rows used and which versions of the clips', () => {
    expect(describeStatic(DEFAULT_STATIC_QUANTIZE_CONFIG, 96, 'training', 2)).toBe(
      'static QDQ: per-channel symmetric int8 weights, asymmetric int8 activations, min/max calibration on 96 training clips',
    );
    const recipe = resolveStaticQuantizeConfig({ weights: { granularity: 'per-tensor' }, activations: { symmetric: true, type: 'uint8' }, calibration: { method: 'percentile', percentile: 99.9 } });
    expect(describeStatic(recipe, 512, 'training-augmented', 2)).toBe(
      'static QDQ: per-tensor symmetric int8 weights, symmetric uint8 activations, percentile 99.9 calibration on 512 training clips, each clean or one of its 2 augmented copies (equal chance)',
    );
  });

  it('gives the entropy calibrator its bins', () => {
    expect(describeStatic(resolveStaticQuantizeConfig({ calibration: { method: 'entropy' } }), 10, 'training', 0)).toMatch(/, entropy \(KL, \d+ bins\) calibration on 10 training clips$/);
  });
});
