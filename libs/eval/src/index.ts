// Public API of @whittle/eval: classification metrics, ONNX latency, variant evaluation and the comparison report.

export { argmaxRows } from './metrics/argmax.ts';
export { accuracy } from './metrics/accuracy.ts';
export { confusionMatrix } from './metrics/confusion.ts';
export { perClassCount, perClassRecall } from './metrics/recall.ts';
export { logitAgreement } from './metrics/agreement.ts';
export { classificationMetrics } from './metrics/classification-metrics.ts';
export type { ClassificationMetrics } from './metrics/classification-metrics.ts';
export { percentile } from './metrics/percentile.ts';
export { summarizeLatency } from './metrics/latency-stats.ts';
export type { LatencyStats } from './metrics/latency-stats.ts';
export { DEFAULT_ONNX_IO } from './runtime/onnx-session.ts';
export { measureOnnxLatency } from './runtime/onnx-latency.ts';
export type { LatencyOptions } from './runtime/onnx-latency.ts';
export type { VariantSpec } from './variants/variant-spec.ts';
export type { BaselineAgreement, VariantReport } from './variants/variant-report.ts';
export { DEFAULT_BASELINE_ID } from './variants/baseline.ts';
export { DEFAULT_EVALUATE_OPTIONS } from './variants/evaluate-options.ts';
export type { EvaluateOptions } from './variants/evaluate-options.ts';
export { evaluateVariants } from './variants/evaluate-variants.ts';
export { buildComparisonReport } from './report/comparison-report.ts';
export type { ComparisonReport, ComparisonReportInput, ReportDataset, ReportSection, VariantDelta } from './report/comparison-report.ts';
export { renderReportMarkdown } from './report/render-markdown.ts';
export { writeReport } from './report/write-report.ts';
