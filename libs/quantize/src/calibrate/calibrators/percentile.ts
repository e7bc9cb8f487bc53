// Percentile calibrator: histogram each tensor, then clip the rarest (100 - p)% of its values.

import { Histogram } from '../histogram.ts';
import { percentileRange } from '../percentile.ts';
import { defineCalibrator } from '../calibrator.ts';
import { minMaxObserver } from './min-max.ts';

/**
 * Bins per tensor histogram: twice onnxruntime's default 2048, because a histogram whose range had
 * to grow may use only half of its bins (see Histogram). 32 KB per tensor.
 */
export const PERCENTILE_HISTOGRAM_BINS = 4096;

export const percentileCalibrator = defineCalibrator('percentile', (config) => {
  const histogram = new Histogram(PERCENTILE_HISTOGRAM_BINS);
  const seen = minMaxObserver();
  return {
    observe(values) {
      seen.observe(values);
      histogram.add(values);
    },
    range() {
      const observed = seen.range();
      // Non-finite min/max: pass them on so the caller reports the tensor.
      if (!Number.isFinite(observed.min) || !Number.isFinite(observed.max)) return observed;
      return percentileRange(histogram, observed, config.percentile);
    },
  };
});
