// Run every variant on the test set and turn its logits into metrics, size, latency and baseline agreement.

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { WhittleError, type FeatureSet } from '@whittle/datasets';
import { logitAgreement } from '../metrics/agreement.ts';
import { classificationMetrics } from '../metrics/classification-metrics.ts';
import type { LatencyStats } from '../metrics/latency-stats.ts';
import { timeSessionRuns } from '../runtime/onnx-latency.ts';
import { onnxLogits } from '../runtime/onnx-logits.ts';
import { openOnnxSession } from '../runtime/onnx-session.ts';
import { resolveBaseline } from './baseline.ts';
import { resolveEvaluateOptions, type EvaluateOptions, type ResolvedEvaluateOptions } from './evaluate-options.ts';
import type { VariantReport } from './variant-report.ts';
import type { VariantSpec } from './variant-spec.ts';

interface Evaluated {
  readonly logits: Float32Array;
  readonly sizeBytes: number;
  readonly latency?: LatencyStats;
}

async function runOnnxVariant(path: string, test: FeatureSet, numClasses: number, o: ResolvedEvaluateOptions, id: string): Promise<Evaluated> {
  // Open first: it turns a missing or unreadable file into a BadFileError naming the path.
  const session = await openOnnxSession(path, o.threads);
  try {
    const sizeBytes = (await stat(path)).size;
    const logits = await onnxLogits(session, path, test, {
      inputName: o.inputName,
      outputName: o.outputName,
      numClasses,
      batchSize: o.batchSize,
      onBatch: (done) => o.reporter.progress({ stage: 'eval', done, total: test.count, detail: `${id} logits` }),
    });
    if (o.latencyRuns === 0) return { logits, sizeBytes };
    // Batch-1 on the first test clip: what one keyword-spotting call costs on a device.
    const stride = test.frames * test.bins;
    const latency = await timeSessionRuns(session, path, test.features.slice(0, stride), [1, test.frames, test.bins], {
      runs: o.latencyRuns,
      warmup: o.latencyWarmup,
      inputName: o.inputName,
    });
    return { logits, sizeBytes, latency };
  } finally {
    await session.release();
  }
}

function checkInputs(variants: readonly VariantSpec[], test: FeatureSet, classNames: readonly string[]): void {
  if (classNames.length === 0) throw new WhittleError('INVALID_ARGUMENT', `Argument 'classNames' passed to 'evaluateVariants' must not be empty`);
  if (test.count === 0) throw new WhittleError('INVALID_ARGUMENT', `Argument 'test' passed to 'evaluateVariants' has no rows`, { hint: 'check the split has clips' });
  if (test.features.length !== test.count * test.frames * test.bins || test.labels.length !== test.count) {
    throw new WhittleError(
      'INVALID_ARGUMENT',
      `Argument 'test' passed to 'evaluateVariants' must hold ${test.count} x ${test.frames} x ${test.bins} features and ${test.count} labels; got ${test.features.length} and ${test.labels.length}`,
    );
  }
  const seen = new Set<string>();
  for (const v of variants) {
    if (seen.has(v.id)) throw new WhittleError('INVALID_ARGUMENT', `Variant id '${v.id}' passed to 'evaluateVariants' appears more than once`);
    seen.add(v.id);
    if (v.kind === 'precomputed' && v.logits.length !== test.count * classNames.length) {
      throw new WhittleError(
        'INVALID_ARGUMENT',
        `Precomputed variant '${v.id}' passed to 'evaluateVariants' must have ${test.count} x ${classNames.length} = ${test.count * classNames.length} logits; got ${v.logits.length}`,
      );
    }
  }
}

/**
 * Evaluate each variant on `test` (labels index `classNames`). ONNX variants are run here (batched
 * logits, file size, batch-1 latency); precomputed ones bring their logits. Every variant other than
 * the baseline also gets its top-1 agreement and max |Δlogit| against the baseline's logits.
 * @example await evaluateVariants([{ id: 'fp32', kind: 'onnx', path: 'onnx/model.onnx' }], test, labels, { latencyRuns: 100, latencyWarmup: 10, threads: 1 })
 */
export async function evaluateVariants(variants: VariantSpec[], test: FeatureSet, classNames: string[], options: EvaluateOptions): Promise<VariantReport[]> {
  const o = resolveEvaluateOptions(options);
  checkInputs(variants, test, classNames);
  const baseline = resolveBaseline(
    variants.map((v) => v.id),
    o.baseline,
    'evaluateVariants',
  );

  const evaluated: Evaluated[] = [];
  for (const [i, v] of variants.entries()) {
    o.reporter.info(`eval: ${v.id} (${v.kind}) [${i + 1}/${variants.length}]`);
    evaluated.push(v.kind === 'onnx' ? await runOnnxVariant(v.path, test, classNames.length, o, v.id) : { logits: v.logits, sizeBytes: v.sizeBytes });
  }

  const baselineLogits = evaluated[variants.findIndex((v) => v.id === baseline)]?.logits;
  return variants.map((v, i) => {
    const e = evaluated[i] as Evaluated;
    const report: VariantReport = {
      id: v.id,
      kind: v.kind,
      description: v.kind === 'onnx' ? (v.description ?? `ONNX model ${basename(v.path)}`) : v.description,
      ...(v.kind === 'onnx' ? { path: v.path } : {}),
      sizeBytes: e.sizeBytes,
      metrics: classificationMetrics(e.logits, test.labels, classNames),
      ...(e.latency === undefined ? {} : { latency: e.latency }),
      ...(baselineLogits === undefined || v.id === baseline ? {} : { agreementWithBaseline: { baseline: baseline as string, ...logitAgreement(e.logits, baselineLogits, classNames.length) } }),
    };
    return report;
  });
}
