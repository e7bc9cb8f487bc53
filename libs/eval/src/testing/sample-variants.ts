// Test helper: three evaluated variants with hand-checked numbers, for the report tests.

import { classificationMetrics } from '../metrics/classification-metrics.ts';
import type { VariantReport } from '../variants/variant-report.ts';

/** `_silence_` has no clips, so its recall is null; the underscore also exercises Markdown escaping. */
export const SAMPLE_CLASSES = ['yes', 'no', '_silence_'];
export const SAMPLE_LABELS = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 0, 1]);

function oneHot(predicted: readonly number[]): Float32Array {
  const out = new Float32Array(predicted.length * SAMPLE_CLASSES.length);
  predicted.forEach((p, r) => (out[r * SAMPLE_CLASSES.length + p] = 1));
  return out;
}

/**
 * fp32: 8/10 right, recall yes 0.8 / no 0.8, 4000 bytes, p50 2 ms.
 * int8: 7/10 right (row 6 predicted _silence_), recall no 0.6, 1000 bytes, p50 1 ms, agreement 0.9.
 * tfjs-fp32: same predictions as fp32, 5000 bytes, no latency.
 */
export function sampleVariants(): VariantReport[] {
  const fp32 = classificationMetrics(oneHot([0, 0, 0, 1, 1, 1, 1, 0, 0, 1]), SAMPLE_LABELS, SAMPLE_CLASSES);
  const int8 = classificationMetrics(oneHot([0, 0, 0, 1, 1, 1, 2, 0, 0, 1]), SAMPLE_LABELS, SAMPLE_CLASSES);
  return [
    { id: 'fp32', kind: 'onnx', description: 'ONNX model model.onnx', path: 'onnx/model.onnx', sizeBytes: 4000, metrics: fp32, latency: { runs: 10, p50: 2, p95: 3, mean: 2.1, min: 1.5, max: 3.5 } },
    {
      id: 'int8',
      kind: 'onnx',
      description: 'ONNX model model_int8.onnx',
      path: 'onnx/model_int8.onnx',
      sizeBytes: 1000,
      metrics: int8,
      latency: { runs: 10, p50: 1, p95: 1.5, mean: 1.1, min: 0.8, max: 1.9 },
      agreementWithBaseline: { baseline: 'fp32', topOne: 0.9, maxAbsLogitDiff: 1 },
    },
    { id: 'tfjs-fp32', kind: 'precomputed', description: 'tfjs layers model', sizeBytes: 5000, metrics: fp32, agreementWithBaseline: { baseline: 'fp32', topOne: 1, maxAbsLogitDiff: 0 } },
  ];
}
