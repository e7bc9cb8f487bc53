// Report sections on speed: batch-1 and batch-N latency of the published modes, and where int8's time goes per layer.

import type { ReportSection } from '@whittle/eval';
import type { VariantGraph, VariantLatency, VariantProfile } from './quantize-latency.ts';

const ms = (x: number): string => x.toFixed(3);

/** Every published mode at batch 1 and N, one thread and every core, measured interleaved in one process. */
export function latencySection(measurements: readonly VariantLatency[], cores: number): ReportSection {
  return {
    title: 'Latency (onnxruntime-node, batch 1 and batch N, 1 thread and all cores)',
    text:
      `Graph optimization 'all', one test clip repeated to fill the batch, ${cores} core(s). All rows were measured in one process, interleaved in blocks, ` +
      'so background noise hits every variant alike; "fp32 / this" above 1 means faster than fp32 in the same configuration.',
    table: {
      header: ['variant', 'batch', 'threads', 'p50 ms', 'p95 ms', 'p50 per clip ms', 'fp32 / this'],
      rows: measurements.map((m) => [m.variant, String(m.batch), String(m.threads), ms(m.p50Ms), ms(m.p95Ms), m.p50PerSampleMs.toFixed(4), m.speedupVsFp32 === null ? 'n/a' : `${m.speedupVsFp32.toFixed(2)}x`]),
      align: ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    },
  };
}

/** The layer a profiled node belongs to: onnxruntime renames fused nodes (`dw_1_relu_nchwc`, `dw_1_token_28`). */
export function layerOfNode(name: string): string {
  return name.replace(/(_relu)?(_nchwc|_token_\d+)$/, '').replace(/_relu$/, '');
}

/**
 * fp32 against int8 per layer at batch 1, plus how each optimization level changes both: the evidence for
 * whether int8 is faster on this model, and why not when it is not.
 */
export function int8SpeedSection(profiles: readonly VariantProfile[], levels: readonly VariantLatency[], graphs: readonly VariantGraph[]): ReportSection {
  const at = (variant: string) => profiles.find((p) => p.variant === variant && p.optimization === 'all')?.profile;
  const fp32 = at('fp32');
  const int8 = at('int8');
  const perLayer = (profile: typeof fp32): Map<string, number> => {
    const out = new Map<string, number>();
    for (const n of profile?.nodes ?? []) {
      const layer = ['QuantizeLinear', 'DequantizeLinear', 'Transpose', 'ReorderOutput', 'Reshape', 'Flatten'].includes(n.opType) ? 'quantize / dequantize / layout' : layerOfNode(n.name);
      out.set(layer, (out.get(layer) ?? 0) + n.p50Us);
    }
    return out;
  };
  const f = perLayer(fp32);
  const q = perLayer(int8);
  const layers = [...new Set([...f.keys(), ...q.keys()])];
  const rows = layers.map((layer) => {
    const a = f.get(layer);
    const b = q.get(layer);
    return [layer, a === undefined ? '-' : a.toFixed(0), b === undefined ? '-' : b.toFixed(0), a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}x` : '-'];
  });
  const sum = (m: Map<string, number>) => [...m.values()].reduce((x, y) => x + y, 0);
  rows.push(['= kernels', sum(f).toFixed(0), sum(q).toFixed(0), sum(q) > 0 ? `${(sum(f) / sum(q)).toFixed(2)}x` : '-']);
  const level = (variant: string, optimization: string) => levels.find((l) => l.variant === variant && l.optimization === optimization);
  const levelText = [...new Set(levels.map((l) => l.optimization))]
    .map((o) => {
      const a = level('fp32', o);
      const b = level('int8', o);
      return a === undefined || b === undefined ? '' : `${o}: fp32 ${ms(a.p50Ms)} ms, int8 ${ms(b.p50Ms)} ms (${(a.p50Ms / b.p50Ms).toFixed(2)}x)`;
    })
    .filter((t) => t !== '')
    .join('; ');
  const graphOf = (variant: string) => graphs.find((g) => g.variant === variant && g.optimization === 'all')?.opTypes;
  const ran = (variant: string) => graphOf(variant)?.map((t) => `${t.opType} x${t.count}`).join(', ') ?? 'n/a';
  // How many convolutions onnxruntime turned into integer kernels, read off the graph it runs (not assumed).
  const count = (variant: string, match: (opType: string) => boolean) => (graphOf(variant) ?? []).filter((t) => match(t.opType)).reduce((a, t) => a + t.count, 0);
  const fused = count('int8', (t) => t.endsWith('QLinearConv'));
  const floatConvs = count('int8', (t) => t === 'Conv' || t.endsWith('.Conv') || t.endsWith('FusedConv'));
  const fusion =
    fused === 0
      ? 'onnxruntime fused no QDQ convolution into an integer kernel'
      : `${fused} QDQ convolution(s) run as one QLinearConv each (the QOperator form, with the ReLU folded into the output zero point)${floatConvs > 0 ? `, ${floatConvs} in float` : ''}`;
  return {
    title: 'Where int8 time goes (onnxruntime profile, batch 1, 1 thread)',
    text:
      `Kernel µs per run (median over runs, summed per layer; "fp32 / int8" above 1 means int8 is faster there). p50 by graph optimization level: ${levelText}. ` +
      `At 'all' onnxruntime runs fp32 as: ${ran('fp32')}; int8 as: ${ran('int8')}: ${fusion}.`,
    table: { header: ['layer', 'fp32 µs', 'int8 µs', 'fp32 / int8'], rows, align: ['l', 'r', 'r', 'r'] },
  };
}
