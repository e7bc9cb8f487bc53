// Static quantize config: the calibration union (minmax | percentile | entropy), its defaults, merging and validation.
import { ConfigError } from '@whittle/datasets';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALIBRATION_CONFIGS, DEFAULT_STATIC_QUANTIZE_CONFIG, resolveCalibrationConfig, resolveStaticQuantizeConfig } from './static-quantize-config.ts';

describe('calibration config', () => {
  it('defaults to minmax on 512 samples; every method default is frozen', () => {
    expect(DEFAULT_STATIC_QUANTIZE_CONFIG.calibration).toEqual({ method: 'minmax', samples: 512 });
    expect(resolveStaticQuantizeConfig().calibration).toEqual({ method: 'minmax', samples: 512 });
    expect(Object.isFrozen(DEFAULT_CALIBRATION_CONFIGS)).toBe(true);
    for (const c of Object.values(DEFAULT_CALIBRATION_CONFIGS)) expect(Object.isFrozen(c)).toBe(true);
  });

  it("switching method fills in that method's defaults and keeps the samples", () => {
    expect(resolveCalibrationConfig({ method: 'percentile' })).toEqual({ method: 'percentile', samples: 512, percentile: 99.99 });
    expect(resolveCalibrationConfig({ method: 'entropy', samples: 64 })).toEqual({ method: 'entropy', samples: 64, bins: 2048, targetBins: 128 });
    expect(resolveStaticQuantizeConfig({ calibration: { method: 'percentile', percentile: 99.9 } }).calibration).toEqual({ method: 'percentile', samples: 512, percentile: 99.9 });
    expect(resolveStaticQuantizeConfig({ calibration: { samples: 64 } }).calibration).toEqual({ method: 'minmax', samples: 64 });
  });

  it('resolving a resolved config gives it back, frozen', () => {
    const entropy = resolveStaticQuantizeConfig({ calibration: { method: 'entropy', bins: 1024, targetBins: 64 } });
    expect(resolveStaticQuantizeConfig(entropy)).toEqual(entropy);
    expect(Object.isFrozen(entropy.calibration)).toBe(true);
    expect(resolveCalibrationConfig({ bins: 512 }, entropy.calibration)).toEqual({ method: 'entropy', samples: 512, bins: 512, targetBins: 64 });
  });

  it('names the field, the allowed values and what was passed', () => {
    const cases: [unknown, string][] = [
      [{ method: 'kl' }, `Quantize config 'calibration.method' must be "minmax" or "percentile" or "entropy"; got "kl"`],
      [{ method: 'percentile', percentile: 50 }, "Quantize config 'calibration.percentile' must be a number with 50 < percentile <= 100; got 50"],
      [{ method: 'percentile', percentile: 100.5 }, "Quantize config 'calibration.percentile' must be a number with 50 < percentile <= 100; got 100.5"],
      [{ method: 'percentile', percentile: '99' }, `Quantize config 'calibration.percentile' must be a number with 50 < percentile <= 100; got "99"`],
      [{ method: 'entropy', bins: 100 }, "Quantize config 'calibration.bins' must be an integer in [128, 1048576]; got 100"],
      [{ method: 'entropy', targetBins: 1.5 }, "Quantize config 'calibration.targetBins' must be an integer in [2, 65536]; got 1.5"],
      [{ method: 'entropy', samples: 0 }, "Quantize config 'calibration.samples' must be a positive integer; got 0"],
      [{ percentile: 99 }, `Quantize config 'calibration.percentile' is only used by method "percentile"; got it with method "minmax"`],
      [{ method: 'percentile', percentil: 99 }, "Quantize config 'calibration.percentil' is not a calibration setting; allowed: method, samples, percentile, bins, targetBins"],
      [{ method: 'percentile', bins: 512 }, `Quantize config 'calibration.bins' is only used by method "entropy"; got it with method "percentile"`],
    ];
    for (const [calibration, message] of cases) {
      const call = () => resolveStaticQuantizeConfig({ calibration: calibration as never });
      expect(call).toThrow(ConfigError);
      expect(call).toThrow(message);
    }
    expect(resolveCalibrationConfig({ method: 'percentile', percentile: 100 })).toEqual({ method: 'percentile', samples: 512, percentile: 100 });
  });
});
