// The calibrator contract: a per-tensor observer that sees every batch of values, then names the range to quantize to.

import { WhittleError } from '@whittle/datasets';
import type { CalibrationConfig, CalibrationMethod } from '../quantize/static-quantize-config.ts';
import type { TensorRange } from '../quantize/tensor-ranges.ts';

/** Streaming statistics of one tensor: fed every batch, asked for its range once at the end. */
export interface TensorObserver {
  observe(values: Float32Array): void;
  /** The range to quantize to; non-finite when the values had no finite min/max (the caller reports it). */
  range(): TensorRange;
}

/** One calibration method (registered in registry.ts under its `method`). */
export interface Calibrator {
  readonly method: CalibrationMethod;
  /** A fresh observer for one tensor, configured by `config` (whose method must be this calibrator's). */
  observer(config: CalibrationConfig): TensorObserver;
}

/** A calibrator whose factory receives its own config variant, checked at runtime (a registry lookup cannot prove it). */
export function defineCalibrator<M extends CalibrationMethod>(method: M, observer: (config: Extract<CalibrationConfig, { method: M }>) => TensorObserver): Calibrator {
  return Object.freeze({
    method,
    observer(config: CalibrationConfig): TensorObserver {
      if (config.method !== method) throw new WhittleError('INVALID_ARGUMENT', `The '${method}' calibrator was given a '${config.method}' calibration config`);
      return observer(config as Extract<CalibrationConfig, { method: M }>);
    },
  });
}
