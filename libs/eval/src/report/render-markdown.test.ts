// report.md shows the right numbers in the headline, recall, confusion, dataset and extra sections.
import { describe, expect, it } from 'vitest';
import { SAMPLE_CLASSES, sampleVariants } from '../testing/sample-variants.ts';
import { buildComparisonReport } from './comparison-report.ts';
import { renderReportMarkdown } from './render-markdown.ts';

const report = buildComparisonReport({
  title: 'Keyword spotter: fp32 vs int8',
  variants: sampleVariants(),
  classNames: SAMPLE_CLASSES,
  dataset: { dir: '/data/sc', split: 'testing', clips: 10, speakers: { training: 4, testing: 2 } },
  generatedAt: '2025-01-01T00:00:00.000Z',
  extra: { backend: 'wasm', training: { bestEpoch: 7, samplesPerSecond: 1234.56789 }, onnx: { parity: { maxAbsLogitDiff: 1.5e-6 } }, tags: ['a', 'b'] },
});
const md = renderReportMarkdown(report);
const lines = md.split('\n');
const row = (first: string) => lines.find((l) => l.startsWith(`| ${first} |`));

describe('renderReportMarkdown', () => {
  it('starts with the title and the dataset line', () => {
    expect(lines[0]).toBe('# Keyword spotter: fp32 vs int8');
    expect(md).toContain('Test data: `/data/sc`, split `testing`, 10 clips; speakers: training 4, testing 2.');
    expect(md).toContain('Baseline: **fp32**');
  });

  it('headline rows carry accuracy, Δ points, bytes, size %, latency and agreement', () => {
    expect(md).toContain('| variant | accuracy | Δ vs fp32 (points) | bytes | size vs fp32 | p50 ms | p95 ms | top-1 agreement with fp32 | max abs Δlogit vs fp32 |');
    expect(row('fp32')).toBe('| fp32 | 80.00% | baseline | 4,000 | 100.0% | 2.000 | 3.000 | baseline | baseline |');
    expect(row('int8')).toBe('| int8 | 70.00% | -10.00 | 1,000 | 25.0% | 1.000 | 1.500 | 90.00% | 1.00e+0 |');
    expect(row('tfjs-fp32')).toBe('| tfjs-fp32 | 80.00% | +0.00 | 5,000 | 125.0% | n/a | n/a | 100.00% | 0.00e+0 |');
  });

  it('per-class recall has clip counts, one column per variant, n/a for a class without clips', () => {
    expect(md).toContain('| class | clips | fp32 | int8 | tfjs-fp32 |');
    expect(row('no')).toBe('| no | 5 | 80.0% | 60.0% | 80.0% |');
    expect(row('\\_silence\\_')).toBe('| \\_silence\\_ | 0 | n/a | n/a | n/a |');
  });

  it('has one confusion matrix per variant, rows true and columns predicted', () => {
    const int8 = md.slice(md.indexOf('### int8'), md.indexOf('### tfjs-fp32'));
    expect(int8).toContain('| true / predicted | yes | no | \\_silence\\_ |');
    expect(int8).toContain('| yes | 4 | 1 | 0 |');
    expect(int8).toContain('| no | 1 | 3 | 1 |');
    expect(md.match(/^### /gm)).toHaveLength(3);
  });

  it('renders extra as flattened key: value lines', () => {
    expect(md).toContain('## Details');
    expect(md).toContain('- backend: wasm');
    expect(md).toContain('- training.bestEpoch: 7');
    expect(md).toContain('- training.samplesPerSecond: 1234.57');
    expect(md).toContain('- onnx.parity.maxAbsLogitDiff: 0.0000015');
    expect(md).toContain('- tags: ["a","b"]');
  });

  it('renders sections as titled tables after the variants, escaping cells', () => {
    const md = renderReportMarkdown({
      ...report,
      sections: [{ title: 'How it was trained', text: 'Same test split.', table: { header: ['model', 'test'], rows: [['ds_cnn_s', '98.00%']] } }],
    });
    expect(md).toContain('## How it was trained\n\nSame test split.\n\n| model | test |\n| --- | ---: |\n| ds\\_cnn\\_s | 98.00% |');
    expect(md.indexOf('## How it was trained')).toBeGreaterThan(md.indexOf('## Variants'));
    expect(md.indexOf('## How it was trained')).toBeLessThan(md.indexOf('## Per-class recall'));
  });

  it('omits the details section without extra', () => {
    expect(renderReportMarkdown({ ...report, extra: undefined })).not.toContain('## Details');
  });
});
