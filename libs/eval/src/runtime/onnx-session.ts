// Opening an ONNX model on onnxruntime-node with the settings every Whittle measurement uses.

import { access } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { BadFileError, WhittleError } from '@whittle/datasets';

/** The graph interface transformers.js audio-classification models use: `input_values` -> `logits`. */
export const DEFAULT_ONNX_IO = Object.freeze({ inputName: 'input_values', outputName: 'logits' });

/** onnxruntime's graph optimization levels, weakest first ('all' adds layout rewrites such as NCHWc and NHWC). */
export const GRAPH_OPTIMIZATION_LEVELS = Object.freeze(['disabled', 'basic', 'extended', 'all'] as const);
export type GraphOptimizationLevel = (typeof GRAPH_OPTIMIZATION_LEVELS)[number];

/** What a measurement may change about a session; everything else stays pinned. */
export interface OnnxSessionExtras {
  /** Default 'all', what onnxruntime itself defaults to and what a deployed model gets. */
  readonly optimization?: GraphOptimizationLevel;
  /** Write a chrome-trace profile; onnxruntime appends `_<timestamp>.json` to this prefix. */
  readonly profileFilePrefix?: string;
  /** Save the graph onnxruntime runs after its optimizations (fusions, layout changes) here. */
  readonly optimizedModelFilePath?: string;
}

/**
 * A session pinned to `threads` intra-op threads, one inter-op thread and sequential execution,
 * so latency numbers are comparable between variants and machines with the same thread budget.
 */
export async function openOnnxSession(path: string, threads: number, extras: OnnxSessionExtras = {}): Promise<ort.InferenceSession> {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new WhittleError('INVALID_ARGUMENT', `Option 'threads' for '${path}' must be a positive integer; got ${threads}`);
  }
  const optimization = extras.optimization ?? 'all';
  if (!GRAPH_OPTIMIZATION_LEVELS.includes(optimization)) {
    throw new WhittleError('INVALID_ARGUMENT', `Option 'optimization' for '${path}' must be one of ${GRAPH_OPTIMIZATION_LEVELS.join(', ')}; got '${String(optimization)}'`);
  }
  await access(path).catch(() => {
    throw new BadFileError(path, 'missing', 'expected an .onnx file written by whittle quantize or publish');
  });
  try {
    return await ort.InferenceSession.create(path, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: optimization,
      ...(extras.profileFilePrefix === undefined ? {} : { enableProfiling: true, profileFilePrefix: extras.profileFilePrefix }),
      // Saving an 'all'-level graph makes onnxruntime warn that NCHWc layouts are machine-specific: we know, we only read its op types.
      ...(extras.optimizedModelFilePath === undefined ? {} : { optimizedModelFilePath: extras.optimizedModelFilePath, logSeverityLevel: 3 as const }),
    });
  } catch (err) {
    throw new BadFileError(path, `onnxruntime could not load it: ${(err as Error).message}`);
  }
}

/** Throw a BadFileError naming the graph's real inputs/outputs when `name` is not one of them. */
export function requireIo(path: string, kind: 'input' | 'output', name: string, available: readonly string[]): void {
  if (!available.includes(name)) {
    throw new BadFileError(path, `graph has no ${kind} '${name}'; its ${kind}s are: ${available.join(', ')}`, `pass ${kind}Name to match the exported graph`);
  }
}
