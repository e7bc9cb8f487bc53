// The comparison of all variants against the baseline: the data behind report.md and report.json.

import { WhittleError } from '@whittle/datasets';
import { resolveBaseline } from '../variants/baseline.ts';
import type { VariantReport } from '../variants/variant-report.ts';

/** Where the test clips came from. */
export interface ReportDataset {
  readonly dir: string;
  readonly split: string;
  readonly clips: number;
  /** Distinct speakers per split, when the dataset knows them. */
  readonly speakers?: Readonly<Record<string, number>>;
}

/** A variant relative to the baseline. */
export interface VariantDelta {
  /** (accuracy - baseline accuracy) * 100: percentage points, negative when worse. */
  readonly accuracyPoints: number;
  /** sizeBytes / baseline sizeBytes. */
  readonly sizeRatio: number;
  /** p50 / baseline p50; null when either has no latency. */
  readonly latencyP50Ratio: number | null;
}

/** An extra table of the report (e.g. how the shipped model was trained), rendered after the variants. */
export interface ReportSection {
  readonly title: string;
  /** A paragraph under the title. */
  readonly text?: string;
  readonly table?: { readonly header: readonly string[]; readonly rows: readonly (readonly string[])[]; readonly align?: readonly ('l' | 'r')[] };
}

/** Everything report.md shows, as plain JSON (report.json is exactly this object). */
export interface ComparisonReport {
  readonly title: string;
  /** ISO 8601. */
  readonly generatedAt: string;
  readonly dataset: ReportDataset;
  readonly classNames: string[];
  readonly baseline: string;
  readonly variants: VariantReport[];
  /** Keyed by variant id, baseline included (0 points, ratio 1). */
  readonly deltas: Record<string, VariantDelta>;
  readonly sections?: readonly ReportSection[];
  /** Free-form provenance (training, backend, ONNX parity), rendered as key: value lines. */
  readonly extra?: Record<string, unknown>;
}

export interface ComparisonReportInput {
  readonly title: string;
  readonly variants: VariantReport[];
  readonly classNames: string[];
  readonly dataset: ReportDataset;
  /** Default 'fp32', or the first variant when there is no fp32 (see resolveBaseline). */
  readonly baseline?: string;
  readonly extra?: Record<string, unknown>;
  readonly sections?: readonly ReportSection[];
  /** Pin the timestamp (tests, reproducible builds); default now. */
  readonly generatedAt?: string;
}

/** Assemble the report and compute every variant's deltas against the baseline. Pure apart from the default timestamp. */
export function buildComparisonReport(input: ComparisonReportInput): ComparisonReport {
  const ids = input.variants.map((v) => v.id);
  const baselineId = resolveBaseline(ids, input.baseline, 'buildComparisonReport');
  const base = input.variants.find((v) => v.id === baselineId);
  if (base === undefined) throw new WhittleError('INVALID_ARGUMENT', `Argument 'variants' passed to 'buildComparisonReport' must not be empty`);
  const deltas = Object.fromEntries(
    input.variants.map((v): [string, VariantDelta] => [
      v.id,
      {
        accuracyPoints: (v.metrics.accuracy - base.metrics.accuracy) * 100,
        sizeRatio: v.sizeBytes / base.sizeBytes,
        latencyP50Ratio: v.latency !== undefined && base.latency !== undefined && base.latency.p50 > 0 ? v.latency.p50 / base.latency.p50 : null,
      },
    ]),
  );
  return {
    title: input.title,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    dataset: input.dataset,
    classNames: [...input.classNames],
    baseline: base.id,
    variants: input.variants,
    deltas,
    ...(input.sections === undefined ? {} : { sections: input.sections }),
    ...(input.extra === undefined ? {} : { extra: input.extra }),
  };
}
