// `whittle bench quantize`: batch-1 and batch-N latency of every ONNX variant of a run, interleaved in one process, with optional profiles.

import { readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { BadFileError, ConfigError } from '@whittle/datasets';
import { GRAPH_OPTIMIZATION_LEVELS } from '@whittle/eval';
import type { GraphOptimizationLevel, OnnxProfile } from '@whittle/eval';
import { defineCommand } from '../cli/command.ts';
import { DEFAULT_KEYWORD_SPOTTER_CONFIG } from '../pipeline/keyword-spotter-config.ts';
import { variantIdOfFile } from '../pipeline/onnx-files.ts';
import { benchQuantizeVariants, type BenchVariant, type VariantGraph, type VariantLatency, type VariantProfile } from '../pipeline/quantize-latency.ts';
import { QUIET_OPTION } from './common-options.ts';
import { randomFeatureSet } from './random-feature-set.ts';

const FRONT_END = DEFAULT_KEYWORD_SPOTTER_CONFIG.frontEnd;
const NAME = 'whittle bench quantize';

/** What `whittle bench quantize --json` prints. */
export interface QuantizeBenchResult {
  readonly run: string;
  readonly inputShape: readonly [frames: number, bins: number];
  readonly cores: number;
  readonly runs: number;
  readonly warmup: number;
  readonly measurements: readonly VariantLatency[];
  readonly profiles?: readonly VariantProfile[];
  readonly optimizedGraphs?: readonly VariantGraph[];
}

/** Every model*.onnx in `dir`, fp32 first, then by name. */
export async function findVariants(dir: string): Promise<BenchVariant[]> {
  const files = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    throw new BadFileError(dir, err.code === 'ENOENT' ? 'missing' : err.message, "expected the onnx/ folder of a run ('whittle quantize' writes it)");
  });
  const variants = files
    .flatMap((f) => {
      const id = variantIdOfFile(f);
      return id === undefined ? [] : [{ id, path: join(dir, f) }];
    })
    .sort((a, b) => (a.id === 'fp32' ? -1 : b.id === 'fp32' ? 1 : a.id.localeCompare(b.id)));
  if (variants.length === 0) throw new BadFileError(dir, 'has no model.onnx or model_*.onnx', 'pass --run <dir> of a quantized run');
  return variants;
}

/** '1,32' -> [1, 32]; 'all' (where allowed) is every core. Duplicates are dropped, order kept. */
export function parseCountList(flag: string, value: string, allowAll: boolean): number[] {
  const cores = availableParallelism();
  const out: number[] = [];
  for (const part of value.split(',').map((p) => p.trim())) {
    const n = allowAll && part === 'all' ? cores : Number(part);
    if (part === '' || !Number.isInteger(n) || n < 1) {
      throw new ConfigError(`Flag '--${flag}' of '${NAME}' must be a comma-separated list of integers ≥ 1${allowAll ? " or 'all'" : ''}; got '${value}'`);
    }
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

function parseLevels(value: string): GraphOptimizationLevel[] {
  const levels = value.split(',').map((p) => p.trim());
  for (const l of levels) {
    if (!(GRAPH_OPTIMIZATION_LEVELS as readonly string[]).includes(l)) {
      throw new ConfigError(`Flag '--optimization' of '${NAME}' must be a comma-separated list of ${GRAPH_OPTIMIZATION_LEVELS.join(', ')}; got '${value}'`);
    }
  }
  return [...new Set(levels)] as GraphOptimizationLevel[];
}

function positive(value: number | undefined, flag: string, fallback: number, min = 1): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`Flag '--${flag}' of '${NAME}' must be an integer ≥ ${min}; got ${n}`);
  return n;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Op types as rows, one `µs (share)` column per profiled variant. */
function profileTable(profiles: NonNullable<QuantizeBenchResult['profiles']>): string {
  const types = [...new Set(profiles.flatMap((p) => p.profile.opTypes.map((t) => t.opType)))];
  const cell = (profile: OnnxProfile, type: string) => {
    const t = profile.opTypes.find((x) => x.opType === type);
    return t === undefined ? '-' : `${t.p50Us.toFixed(1)} / ${t.meanUs.toFixed(1)} (${(100 * t.share).toFixed(0)}%) x${t.nodes}`;
  };
  const rows = types.map((type) => [type, ...profiles.map((p) => cell(p.profile, type))]);
  // The sum of per-node medians barely moves when other processes preempt some runs; the mean and model_run do.
  rows.push(['= kernels (sum of p50s / mean)', ...profiles.map((p) => `${p.profile.nodes.reduce((a, n) => a + n.p50Us, 0).toFixed(1)} / ${p.profile.kernelMeanUs.toFixed(1)}`)]);
  rows.push(['model_run', ...profiles.map((p) => `${p.profile.runP50Us.toFixed(1)} / ${p.profile.runMeanUs.toFixed(1)}`)]);
  return table(['op type', ...profiles.map((p) => p.variant)], rows);
}

export const benchQuantizeCommand = defineCommand({
  spec: {
    name: 'bench quantize',
    summary: 'Latency of every ONNX variant of a run (fp32, fp16, int8, ...) at several batch sizes and thread counts, interleaved in one process',
    usage: 'whittle bench quantize --run <dir> [--batch 1,32] [--threads 1,all] [--runs n] [--optimization all] [--profile] [--json]',
    options: {
      run: { kind: 'string', description: 'run folder; every model.onnx / model_*.onnx in <run>/onnx is measured' },
      batch: { kind: 'string', description: 'comma-separated batch sizes (one random input repeated)', default: '1,32' },
      threads: { kind: 'string', description: `comma-separated intra-op thread counts; 'all' is every core (${availableParallelism()} here)`, default: '1,all' },
      optimization: { kind: 'string', description: `comma-separated onnxruntime graph optimization levels (${GRAPH_OPTIMIZATION_LEVELS.join(', ')})`, default: 'all' },
      runs: { kind: 'number', description: 'timed runs per variant and configuration', default: 300, integer: true },
      warmup: { kind: 'number', description: 'untimed runs per variant and configuration before timing', default: 30, integer: true },
      frames: { kind: 'number', description: "input frames; the default is the shipped front end's", default: FRONT_END.frames, integer: true },
      bins: { kind: 'number', description: "input mel bins; the default is the shipped front end's", default: FRONT_END.numMelBins, integer: true },
      profile: { kind: 'boolean', description: 'also profile each variant at batch 1 on the first --threads value (per-op-type µs) and list the op types of the graph onnxruntime runs' },
      json: { kind: 'boolean', description: 'print the result as JSON on stdout' },
      quiet: QUIET_OPTION,
    },
    examples: [
      'whittle bench quantize --run .cache/keyword-spotter/run',
      'whittle bench quantize --run .cache/keyword-spotter/run --threads 1 --batch 1 --optimization disabled,basic,extended,all --profile',
    ],
  },
  async run(o, _positionals, io) {
    if (o.run === undefined) throw new ConfigError(`Flag '--run' of '${NAME}' is required`, 'the folder whose onnx/ holds model.onnx and its variants');
    const variants = await findVariants(join(o.run, 'onnx'));
    const batches = parseCountList('batch', o.batch ?? '1,32', false);
    const threads = parseCountList('threads', o.threads ?? '1,all', true);
    const levels = parseLevels(o.optimization ?? 'all');
    const runs = positive(o.runs, 'runs', 300);
    const warmup = positive(o.warmup, 'warmup', 30, 0);
    const frames = positive(o.frames, 'frames', FRONT_END.frames);
    const bins = positive(o.bins, 'bins', FRONT_END.numMelBins);
    const sample = randomFeatureSet(1, frames, bins, 1).features;

    io.reporter.info(
      `bench quantize: ${variants.map((v) => `${v.id} (${basename(v.path)})`).join(', ')}; batch ${batches.join(',')} x threads ${threads.join(',')} x ${levels.join(',')}, ${runs} runs each, interleaved`,
    );
    const { measurements, profiles, optimizedGraphs } = await benchQuantizeVariants(variants, sample, [frames, bins], { batches, threads, levels, runs, warmup, profile: o.profile === true });

    const result: QuantizeBenchResult = {
      run: o.run,
      inputShape: [frames, bins],
      cores: availableParallelism(),
      runs,
      warmup,
      measurements,
      ...(profiles === undefined ? {} : { profiles, optimizedGraphs }),
    };
    if (o.json) {
      io.stdout(JSON.stringify(result, null, 2));
      return;
    }
    const rows = measurements.map((m) => [
      m.variant,
      m.optimization,
      String(m.threads),
      String(m.batch),
      m.p50Ms.toFixed(3),
      m.p95Ms.toFixed(3),
      m.p50PerSampleMs.toFixed(4),
      m.speedupVsFp32 === null ? '-' : `${m.speedupVsFp32.toFixed(2)}x`,
    ]);
    const out = [`input [batch, ${frames}, ${bins}], ${runs} timed runs per row, interleaved; ${availableParallelism()} cores`, table(['variant', 'opt', 'threads', 'batch', 'p50 ms', 'p95 ms', 'p50/sample', 'fp32/this'], rows)];
    if (profiles !== undefined && optimizedGraphs !== undefined) {
      for (const level of levels) {
        out.push('', `profile at '${level}', batch 1, ${threads[0]} thread(s): µs per run p50 / mean (share of mean kernel time) x nodes:`, profileTable(profiles.filter((p) => p.optimization === level)));
      }
      out.push('', 'op types of the graph onnxruntime runs:');
      for (const g of optimizedGraphs) out.push(`  ${g.variant} @ ${g.optimization}: ${g.opTypes.map((t) => `${t.opType} x${t.count}`).join(', ')}`);
    }
    io.stdout(out.join('\n'));
  },
});
