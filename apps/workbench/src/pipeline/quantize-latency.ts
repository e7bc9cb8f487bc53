// Latency of ONNX variants side by side (interleaved sweeps, profiles, the graphs onnxruntime runs): shared by `whittle bench quantize` and the report.

import { measureOnnxLatencySweep, optimizedOnnxGraph, profileOnnxModel } from '@whittle/eval';
import type { GraphOptimizationLevel, LatencyMeasurement, OnnxProfile, OpTypeCount } from '@whittle/eval';

/** One ONNX file: `model.onnx` is fp32, `model_<suffix>.onnx` is variant <suffix> (transformers.js naming). */
export interface BenchVariant {
  readonly id: string;
  readonly path: string;
}

export interface VariantLatency {
  readonly variant: string;
  readonly optimization: GraphOptimizationLevel;
  readonly threads: number;
  readonly batch: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly meanMs: number;
  readonly p50PerSampleMs: number;
  /** fp32 p50 / this p50 at the same configuration; null without an 'fp32' variant. */
  readonly speedupVsFp32: number | null;
}

export interface VariantProfile {
  readonly variant: string;
  readonly optimization: GraphOptimizationLevel;
  readonly threads: number;
  readonly batch: 1;
  readonly profile: OnnxProfile;
}

export interface VariantGraph {
  readonly variant: string;
  readonly optimization: GraphOptimizationLevel;
  readonly opTypes: readonly OpTypeCount[];
}

export interface VariantLatencyOptions {
  readonly batches: readonly number[];
  readonly threads: readonly number[];
  readonly levels: readonly GraphOptimizationLevel[];
  readonly runs: number;
  readonly warmup: number;
  /** Also profile each variant at batch 1 on the first thread count, and list the op types onnxruntime runs. */
  readonly profile: boolean;
}

const sameConfig = (a: LatencyMeasurement, b: LatencyMeasurement) =>
  a.config.batch === b.config.batch && a.config.threads === b.config.threads && a.config.optimization === b.config.optimization;

/** Measure every variant at every (level, threads, batch) in one interleaved sweep; optionally profile them. */
export async function benchQuantizeVariants(
  variants: readonly BenchVariant[],
  sample: Float32Array,
  sampleDims: readonly number[],
  options: VariantLatencyOptions,
): Promise<{ measurements: VariantLatency[]; profiles?: VariantProfile[]; optimizedGraphs?: VariantGraph[] }> {
  const { batches, threads, levels, runs, warmup } = options;
  const measured = await measureOnnxLatencySweep(
    variants.map((v) => v.path),
    sample,
    sampleDims,
    { batches, threads, optimizations: levels, runs, warmup },
  );
  const idOf = new Map(variants.map((v) => [v.path, v.id]));
  const fp32 = variants.find((v) => v.id === 'fp32');
  const measurements = measured.map((m) => {
    const base = fp32 === undefined ? undefined : measured.find((b) => b.path === fp32.path && sameConfig(b, m));
    return {
      variant: idOf.get(m.path) as string,
      optimization: m.config.optimization,
      threads: m.config.threads,
      batch: m.config.batch,
      p50Ms: m.stats.p50,
      p95Ms: m.stats.p95,
      meanMs: m.stats.mean,
      p50PerSampleMs: m.p50PerSampleMs,
      speedupVsFp32: base === undefined ? null : base.stats.p50 / m.stats.p50,
    };
  });
  if (!options.profile) return { measurements };
  const t = threads[0] as number;
  const profiles: VariantProfile[] = [];
  const optimizedGraphs: VariantGraph[] = [];
  for (const optimization of levels) {
    for (const v of variants) {
      profiles.push({ variant: v.id, optimization, threads: t, batch: 1, profile: await profileOnnxModel(v.path, sample, sampleDims, { runs, warmup, threads: t, optimization }) });
      optimizedGraphs.push({ variant: v.id, optimization, opTypes: (await optimizedOnnxGraph(v.path, { threads: t, optimization })).opTypes });
    }
  }
  return { measurements, profiles, optimizedGraphs };
}
