// Human words for a static int8 recipe (report, model card, leave-one-engine-out rows).

import type { StaticQuantizeConfig } from '@whittle/quantize';
import { calibrationDataWords, type CalibrationData } from './calibration-rows.ts';

/**
 * The recipe in words, with the number of rows it really calibrated on (`rows`: the configured samples, or fewer when
 * the training split is smaller) and which versions of the clips they were (`data`, `copies`).
 *
 * @example describeStatic(DEFAULT_STATIC_QUANTIZE_CONFIG, 512, 'training', 0)
 * // 'static QDQ: per-channel symmetric int8 weights, asymmetric int8 activations, min/max calibration on 512 training clips'
 */
export function describeStatic(config: StaticQuantizeConfig, rows: number, data: CalibrationData, copies: number): string {
  const c = config.calibration;
  const method = c.method === 'percentile' ? `percentile ${c.percentile}` : c.method === 'entropy' ? `entropy (KL, ${c.bins} bins)` : 'min/max';
  return `static QDQ: ${config.weights.granularity} symmetric int8 weights, ${config.activations.symmetric ? 'symmetric' : 'asymmetric'} ${config.activations.type} activations, ${method} calibration on ${rows} ${calibrationDataWords(data, copies)}`;
}
