// report.md: the comparison as tables a person reads (headline, per-class recall, confusion, provenance).

import type { VariantReport } from '../variants/variant-report.ts';
import type { ComparisonReport } from './comparison-report.ts';

/** Markdown table cells: `|` would split the cell, `_` and `*` would turn `_silence_` into italics. */
function cell(text: string): string {
  return text.replace(/([|_*\\])/g, '\\$1');
}

function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header.map(cell)), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;
const ms = (x: number) => x.toFixed(3);
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;

function headline(report: ComparisonReport): string {
  const b = report.baseline;
  const rows = report.variants.map((v) => {
    const d = report.deltas[v.id];
    const isBase = v.id === b;
    const agree = v.agreementWithBaseline;
    return [
      cell(v.id),
      pct(v.metrics.accuracy),
      isBase ? 'baseline' : d === undefined ? 'n/a' : signed(d.accuracyPoints),
      v.sizeBytes.toLocaleString('en-US'),
      d === undefined ? 'n/a' : pct(d.sizeRatio, 1),
      v.latency ? ms(v.latency.p50) : 'n/a',
      v.latency ? ms(v.latency.p95) : 'n/a',
      isBase ? 'baseline' : agree ? pct(agree.topOne) : 'n/a',
      isBase ? 'baseline' : agree ? agree.maxAbsLogitDiff.toExponential(2) : 'n/a',
    ];
  });
  return table(
    ['variant', 'accuracy', `Δ vs ${b} (points)`, 'bytes', `size vs ${b}`, 'p50 ms', 'p95 ms', `top-1 agreement with ${b}`, `max abs Δlogit vs ${b}`],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

function variantList(variants: readonly VariantReport[]): string {
  return variants.map((v) => `- **${v.id}** (${v.kind}${v.path === undefined ? '' : `, \`${v.path}\``}): ${v.description}`).join('\n');
}

function recallTable(report: ComparisonReport): string {
  const counts = report.variants[0]?.metrics.perClassCount ?? {};
  const rows = report.classNames.map((name) => [
    cell(name),
    String(counts[name] ?? 0),
    ...report.variants.map((v) => {
      const r = v.metrics.perClassRecall[name];
      return r === null || r === undefined ? 'n/a' : pct(r, 1);
    }),
  ]);
  return table(['class', 'clips', ...report.variants.map((v) => v.id)], rows, ['l', 'r', ...report.variants.map(() => 'r' as const)]);
}

function confusionTable(v: VariantReport, classNames: readonly string[]): string {
  const rows = classNames.map((name, t) => [cell(name), ...classNames.map((_, p) => String(v.metrics.confusion[t]?.[p] ?? 0))]);
  return table(['true / predicted', ...classNames], rows, ['l', ...classNames.map(() => 'r' as const)]);
}

/** Flatten nested objects to dotted keys; arrays and leaves print as compact JSON. */
function flatten(value: unknown, prefix: string, out: [string, string][]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) out.push([prefix, '{}']);
    for (const [k, v] of entries) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
    return;
  }
  if (typeof value === 'number') {
    out.push([prefix, Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)))]);
    return;
  }
  out.push([prefix, typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))]);
}

function datasetLine(report: ComparisonReport): string {
  const d = report.dataset;
  const speakers = d.speakers === undefined ? '' : `; speakers: ${Object.entries(d.speakers).map(([s, n]) => `${s} ${n}`).join(', ')}`;
  return `Test data: \`${d.dir}\`, split \`${d.split}\`, ${d.clips.toLocaleString('en-US')} clips${speakers}.`;
}

/** The whole report as Markdown. Deterministic for a given report object. */
export function renderReportMarkdown(report: ComparisonReport): string {
  const parts = [
    `# ${report.title}`,
    `${datasetLine(report)}\nBaseline: **${report.baseline}**. Generated ${report.generatedAt}. Latency is batch 1, milliseconds per call.`,
    `## Variants\n\n${headline(report)}\n\n${variantList(report.variants)}`,
    ...(report.sections ?? []).map((section) => {
      const body = [section.text, section.table && table(section.table.header, section.table.rows.map((r) => r.map(cell)), section.table.align ?? section.table.header.map((_, i) => (i === 0 ? 'l' : 'r')))];
      return [`## ${section.title}`, ...body.filter((b): b is string => b !== undefined)].join('\n\n');
    }),
    `## Per-class recall\n\n${recallTable(report)}`,
    `## Confusion matrices\n\nRows are the true class, columns the predicted class.\n\n${report.variants
      .map((v) => `### ${v.id}\n\n${confusionTable(v, report.classNames)}`)
      .join('\n\n')}`,
  ];
  if (report.extra !== undefined) {
    const lines: [string, string][] = [];
    flatten(report.extra, '', lines);
    parts.push(`## Details\n\n${lines.map(([k, v]) => `- ${k}: ${v}`).join('\n')}`);
  }
  return `${parts.join('\n\n')}\n`;
}
