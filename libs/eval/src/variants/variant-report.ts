// The evaluated result of one variant: its metrics, size, latency and agreement with the baseline.

import type { ClassificationMetrics } from '../metrics/classification-metrics.ts';
import type { LatencyStats } from '../metrics/latency-stats.ts';

/** Top-1 agreement (0..1) and largest |Δlogit| of a variant against the baseline variant's logits. */
export interface BaselineAgreement {
  readonly baseline: string;
  readonly topOne: number;
  readonly maxAbsLogitDiff: number;
}

/** One row of the comparison. JSON-serialisable (logits are not kept: reports stay small). */
export interface VariantReport {
  readonly id: string;
  readonly kind: 'onnx' | 'precomputed';
  readonly description: string;
  readonly path?: string;
  readonly sizeBytes: number;
  readonly metrics: ClassificationMetrics;
  /** Batch-1 latency; absent for precomputed variants and when latencyRuns is 0. */
  readonly latency?: LatencyStats;
  /** Absent on the baseline itself and when no variant has the baseline id. */
  readonly agreementWithBaseline?: BaselineAgreement;
}
