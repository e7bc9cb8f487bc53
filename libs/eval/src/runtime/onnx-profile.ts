// Where the time of an ONNX session.run goes: onnxruntime's own per-node profile, per node and per op type.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { BadFileError, WhittleError } from '@whittle/datasets';
import { percentile } from '../metrics/percentile.ts';
import { checkSample, tileSample } from './input-sample.ts';
import { DEFAULT_ONNX_IO, openOnnxSession, requireIo, type GraphOptimizationLevel } from './onnx-session.ts';

/** One node of the graph onnxruntime ran (after its fusions), averaged over the profiled runs. */
export interface NodeTime {
  readonly name: string;
  readonly opType: string;
  /** Kernel microseconds per session.run. */
  readonly meanUs: number;
  /** Median over runs of the kernel microseconds. */
  readonly p50Us: number;
  /** meanUs / kernelMeanUs. */
  readonly share: number;
}

/** Every node of one op type together. */
export interface OpTypeTime {
  readonly opType: string;
  readonly nodes: number;
  /** Microseconds per run summed over this type's nodes. */
  readonly meanUs: number;
  /** Median over runs of that per-run sum. */
  readonly p50Us: number;
  readonly share: number;
}

export interface OnnxProfile {
  /** Profiled session.run calls (warm-up runs excluded). */
  readonly runs: number;
  /** Mean duration of onnxruntime's `model_run` event: the run inside the native session. */
  readonly runMeanUs: number;
  readonly runP50Us: number;
  /** Sum over nodes of their mean kernel time. */
  readonly kernelMeanUs: number;
  /** Nodes in the order they first ran. */
  readonly nodes: readonly NodeTime[];
  /** Op types, most expensive first. */
  readonly opTypes: readonly OpTypeTime[];
}

interface TraceEvent {
  readonly cat: string;
  readonly name: string;
  readonly ts: number;
  readonly dur: number;
  readonly args?: { readonly op_name?: string };
}

const KERNEL_SUFFIX = '_kernel_time';

function traceEvents(trace: unknown, source: string): TraceEvent[] {
  // onnxruntime writes a bare array; chrome://tracing also accepts { traceEvents: [...] }.
  const list = Array.isArray(trace) ? trace : (trace as { traceEvents?: unknown } | null)?.traceEvents;
  if (!Array.isArray(list)) throw new BadFileError(source, 'not a chrome-trace profile: expected an array of events or { traceEvents: [...] }');
  return list.filter(
    (e): e is TraceEvent =>
      typeof e === 'object' && e !== null && typeof (e as TraceEvent).cat === 'string' && typeof (e as TraceEvent).name === 'string' && Number.isFinite((e as TraceEvent).ts) && Number.isFinite((e as TraceEvent).dur),
  );
}

/** Sum of each key's microseconds per run: sums.get(key)[i] is run i's total. */
function perRunSums(keys: readonly (readonly [key: string, run: number, us: number])[], runs: number): Map<string, number[]> {
  const sums = new Map<string, number[]>();
  for (const [key, run, us] of keys) {
    const row = sums.get(key) ?? new Array<number>(runs).fill(0);
    row[run] = (row[run] as number) + us;
    sums.set(key, row);
  }
  return sums;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Per-node and per-op-type kernel times from an onnxruntime profile (the parsed JSON it writes with
 * `enableProfiling`). The first `skipRuns` `model_run`s are dropped (warm-up: allocation and
 * first-touch costs), and so are the kernels that ran inside them. Means and medians are per run;
 * on a busy machine the median is the one a preempted run cannot drag.
 */
export function parseOnnxProfile(trace: unknown, options: { skipRuns?: number; source?: string } = {}): OnnxProfile {
  const source = options.source ?? '<profile>';
  const skip = options.skipRuns ?? 0;
  if (!Number.isInteger(skip) || skip < 0) throw new WhittleError('INVALID_ARGUMENT', `Option 'skipRuns' for '${source}' must be a non-negative integer; got ${skip}`);
  const events = traceEvents(trace, source);
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const kept = runs.slice(skip);
  if (kept.length === 0) throw new BadFileError(source, `has ${runs.length} model_run events; need more than the ${skip} skipped as warm-up`, 'profile at least one run after the warm-up');
  // Fence and other per-node events share cat 'Node'; the kernel's own time is the `_kernel_time` one.
  const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith(KERNEL_SUFFIX)).sort((a, b) => a.ts - b.ts);
  const opTypeOf = new Map<string, string>();
  const byNode: [string, number, number][] = [];
  let r = 0;
  for (const e of kernels) {
    while (r < kept.length && e.ts > (kept[r] as TraceEvent).ts + (kept[r] as TraceEvent).dur) r++;
    if (r === kept.length) break;
    if (e.ts < (kept[r] as TraceEvent).ts) continue; // a warm-up run's kernel
    const name = e.name.slice(0, -KERNEL_SUFFIX.length);
    if (!opTypeOf.has(name)) opTypeOf.set(name, e.args?.op_name ?? '?');
    byNode.push([name, r, e.dur]);
  }
  const n = kept.length;
  const nodeSums = perRunSums(byNode, n);
  const typeSums = perRunSums(
    byNode.map(([name, run, us]) => [opTypeOf.get(name) as string, run, us] as const),
    n,
  );
  const kernelMeanUs = [...nodeSums.values()].reduce((a, row) => a + mean(row), 0);
  const share = (us: number) => (kernelMeanUs > 0 ? us / kernelMeanUs : 0);
  const nodes = [...nodeSums].map(([name, row]) => ({ name, opType: opTypeOf.get(name) as string, meanUs: mean(row), p50Us: percentile(row, 50), share: share(mean(row)) }));
  const opTypes = [...typeSums]
    .map(([opType, row]) => ({ opType, nodes: nodes.filter((x) => x.opType === opType).length, meanUs: mean(row), p50Us: percentile(row, 50), share: share(mean(row)) }))
    .sort((a, b) => b.meanUs - a.meanUs);
  const runUs = kept.map((e) => e.dur);
  return { runs: n, runMeanUs: mean(runUs), runP50Us: percentile(runUs, 50), kernelMeanUs, nodes, opTypes };
}

export interface ProfileOptions {
  readonly runs: number;
  readonly warmup: number;
  readonly threads: number;
  /** Default 1; the one sample is repeated to fill the batch. */
  readonly batch?: number;
  /** Default 'all'. */
  readonly optimization?: GraphOptimizationLevel;
  readonly inputName?: string;
}

/**
 * Run the model at `path` `warmup + runs` times with onnxruntime's profiler on and return where the
 * profiled runs spent their time. `sample` is one input without the batch axis. The profiler itself
 * costs a few µs per node, so compare profiles with profiles, not with unprofiled latency.
 * @example (await profileOnnxModel('onnx/model_int8.onnx', clip, [98, 20], { runs: 200, warmup: 20, threads: 1 })).opTypes
 */
export async function profileOnnxModel(path: string, sample: Float32Array, sampleDims: readonly number[], options: ProfileOptions): Promise<OnnxProfile> {
  const batch = options.batch ?? 1;
  for (const [what, v, min] of [['runs', options.runs, 1], ['warmup', options.warmup, 0], ['batch', batch, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new WhittleError('INVALID_ARGUMENT', `Option '${what}' for profiling '${path}' must be an integer >= ${min}; got ${v}`);
  }
  checkSample(sample, sampleDims, `profiling '${path}'`);
  const inputName = options.inputName ?? DEFAULT_ONNX_IO.inputName;
  const dir = await mkdtemp(join(tmpdir(), 'whittle-profile-'));
  try {
    const session = await openOnnxSession(path, options.threads, { optimization: options.optimization ?? 'all', profileFilePrefix: join(dir, 'profile') });
    try {
      requireIo(path, 'input', inputName, session.inputNames);
      const feeds = { [inputName]: new ort.Tensor('float32', tileSample(sample, batch), [batch, ...sampleDims]) };
      for (let i = 0; i < options.warmup + options.runs; i++) await session.run(feeds);
      // onnxruntime-node's endProfiling returns nothing; the file is the only profile-named one in our temp dir.
      session.endProfiling();
    } finally {
      await session.release();
    }
    const file = (await readdir(dir)).find((f) => f.startsWith('profile') && f.endsWith('.json'));
    if (file === undefined) throw new WhittleError('NOT_FOUND', `onnxruntime wrote no profile for '${path}' in ${dir}`);
    const text = await readFile(join(dir, file), 'utf8');
    return parseOnnxProfile(JSON.parse(text) as unknown, { skipRuns: options.warmup, source: `profile of ${path}` });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
