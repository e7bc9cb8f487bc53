// Typed options for evaluateVariants, their defaults, and the validation that explains a bad value.

import { SILENT_REPORTER, WhittleError, type Reporter } from '@whittle/datasets';
import { DEFAULT_ONNX_IO } from '../runtime/onnx-session.ts';

export interface EvaluateOptions {
  /** Timed batch-1 runs per ONNX variant; 0 skips latency. */
  readonly latencyRuns: number;
  readonly latencyWarmup: number;
  /** onnxruntime intra-op threads, for both the batched logits run and the latency runs. */
  readonly threads: number;
  readonly reporter?: Reporter;
  /** Default 'input_values'. */
  readonly inputName?: string;
  /** Default 'logits'. */
  readonly outputName?: string;
  /** Variant id the others are compared with; default 'fp32' (see resolveBaseline). */
  readonly baseline?: string;
  /** Rows per batched session.run; default 256. */
  readonly batchSize?: number;
}

export type ResolvedEvaluateOptions = Required<Omit<EvaluateOptions, 'baseline'>> & { readonly baseline?: string };

export const DEFAULT_EVALUATE_OPTIONS = Object.freeze({ ...DEFAULT_ONNX_IO, batchSize: 256 });

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new WhittleError('INVALID_ARGUMENT', `Option '${name}' passed to 'evaluateVariants' must be an integer >= ${min}; got ${value}`);
  }
}

/** Fill defaults and reject counts that cannot be right. */
export function resolveEvaluateOptions(options: EvaluateOptions): ResolvedEvaluateOptions {
  requireInteger('latencyRuns', options.latencyRuns, 0);
  requireInteger('latencyWarmup', options.latencyWarmup, 0);
  requireInteger('threads', options.threads, 1);
  const batchSize = options.batchSize ?? DEFAULT_EVALUATE_OPTIONS.batchSize;
  requireInteger('batchSize', batchSize, 1);
  const resolved = {
    latencyRuns: options.latencyRuns,
    latencyWarmup: options.latencyWarmup,
    threads: options.threads,
    reporter: options.reporter ?? SILENT_REPORTER,
    inputName: options.inputName ?? DEFAULT_EVALUATE_OPTIONS.inputName,
    outputName: options.outputName ?? DEFAULT_EVALUATE_OPTIONS.outputName,
    batchSize,
  };
  return options.baseline === undefined ? resolved : { ...resolved, baseline: options.baseline };
}
