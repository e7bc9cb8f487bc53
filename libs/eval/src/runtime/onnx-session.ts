// Opening an ONNX model on onnxruntime-node with the settings every Whittle measurement uses.

import { access } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { BadFileError, WhittleError } from '@whittle/datasets';

/** The graph interface transformers.js audio-classification models use: `input_values` -> `logits`. */
export const DEFAULT_ONNX_IO = Object.freeze({ inputName: 'input_values', outputName: 'logits' });

/**
 * A session pinned to `threads` intra-op threads, one inter-op thread and sequential execution,
 * so latency numbers are comparable between variants and machines with the same thread budget.
 */
export async function openOnnxSession(path: string, threads: number): Promise<ort.InferenceSession> {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new WhittleError('INVALID_ARGUMENT', `Option 'threads' for '${path}' must be a positive integer; got ${threads}`);
  }
  await access(path).catch(() => {
    throw new BadFileError(path, 'missing', 'expected an .onnx file written by whittle quantize or publish');
  });
  try {
    return await ort.InferenceSession.create(path, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
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
