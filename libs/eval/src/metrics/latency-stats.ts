// Summary of a list of timings: the shape every latency number in a report takes.

import { WhittleError } from '@whittle/datasets';
import { percentile } from './percentile.ts';

/** Milliseconds per run over `runs` timed runs; percentiles by linear interpolation (see `percentile`). */
export interface LatencyStats {
  readonly runs: number;
  readonly p50: number;
  readonly p95: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/** Summarise per-run timings (ms). */
export function summarizeLatency(samplesMs: readonly number[]): LatencyStats {
  if (samplesMs.length === 0) throw new WhittleError('INVALID_ARGUMENT', `Argument 'samplesMs' passed to 'summarizeLatency' must not be empty`);
  return {
    runs: samplesMs.length,
    p50: percentile(samplesMs, 50),
    p95: percentile(samplesMs, 95),
    mean: samplesMs.reduce((a, b) => a + b, 0) / samplesMs.length,
    // reduce, not Math.min(...xs): spreading a long run list can overflow the call stack.
    min: samplesMs.reduce((a, b) => Math.min(a, b), Infinity),
    max: samplesMs.reduce((a, b) => Math.max(a, b), -Infinity),
  };
}
