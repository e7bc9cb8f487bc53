// Entropy calibrator: histogram |x| of each tensor, then clip at the KL-divergence-minimizing threshold.

import { entropyRange } from '../entropy.ts';
import { Histogram } from '../histogram.ts';
import { defineCalibrator } from '../calibrator.ts';
import { minMaxObserver } from './min-max.ts';

export const entropyCalibrator = defineCalibrator('entropy', (config) => {
  // |x| from 0: the thresholds are symmetric, and for non-negative tensors |x| is x.
  const histogram = new Histogram(config.bins, { includeZero: true });
  const seen = minMaxObserver();
  return {
    observe(values) {
      seen.observe(values);
      histogram.add(values, true);
    },
    range() {
      const observed = seen.range();
      // Non-finite min/max: pass them on so the caller reports the tensor.
      if (!Number.isFinite(observed.min) || !Number.isFinite(observed.max)) return observed;
      return entropyRange(histogram, observed, config.targetBins);
    },
  };
});
