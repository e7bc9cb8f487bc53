// The quantization report tables: Δ has the variants table's sign, the targets are judged, fallback steps are listed.
import { describe, expect, it } from 'vitest';
import type { VariantReport } from '@whittle/eval';
import { fallbackSection, modesSection } from './quantization-sections.ts';
import type { OnnxRecord } from './quantize-stage.ts';

const variant = (id: string, file: string, bytes: number, validationAccuracy: number) => ({ id, file, mode: 'static' as const, description: id, bytes, validationAccuracy, published: true });
const evaluated = (id: string, accuracy: number) => ({ id, metrics: { accuracy }, latency: { p50: 0.1, p95: 0.2 } }) as unknown as VariantReport;

const record = {
  variants: [variant('fp32', 'model.onnx', 1000, 0.98), variant('int8', 'model_int8.onnx', 333, 0.975), variant('fp16', 'model_fp16.onnx', 520, 0.982)],
  calibration: { method: 'minmax', samples: 512, split: 'training' },
  int8: { maxDrop: 0.3, baselineAccuracy: 0.98, accuracy: 0.978, drop: 0.2, withinBound: true, keptFloat: ['dw_4'], steps: [
    { keptFloat: [], accuracy: 0.975, drop: 0.5, evaluated: true },
    { keptFloat: ['dw_4'], accuracy: 0.978, drop: 0.2, evaluated: true },
  ] },
} as unknown as OnnxRecord;

describe('modesSection', () => {
  const section = modesSection(record, [evaluated('fp32', 0.97), evaluated('int8', 0.965), evaluated('fp16', 0.97)]);

  it('gives Δ as variant minus fp32 on both splits', () => {
    const int8 = section.table?.rows.find((r) => r[0] === 'int8');
    expect(int8?.slice(3, 9)).toEqual(['97.50%', '-0.50', '96.50%', '-0.50', '333', '33.3%']);
  });

  it('judges the targets on test: int8 within 0.3 points at <= 30% of the bytes, fp16 within 0.1 at <= 55%', () => {
    expect(section.text).toContain('int8 misses "within 0.3 points" (-0.50) and misses "at most 30% of the bytes" (33.3%)');
    expect(section.text).toContain('fp16 meets "within 0.1 points" (+0.00) and meets "at most 55% of the bytes" (52.0%)');
  });

  it('has no unseen-engine columns without unseen accuracies, and says the published int8 calibrates on clean clips (records without calibration data)', () => {
    expect(section.table?.header).toHaveLength(11);
    expect(section.text).not.toContain('unseen engine');
    expect(section.text).toContain('The published int8 calibrates on 512 clean training clips.');
  });

  it('adds unseen-engine accuracy with Δ against fp32 and judges int8 there too, naming the augmented-calibration comparison', () => {
    const withAug = { ...record, variants: [...record.variants, variant('int8-augmented-calibration', 'variants/int8-augmented-calibration.onnx', 333, 0.98)], calibration: { method: 'minmax', samples: 512, split: 'training', data: 'training-augmented' } } as OnnxRecord;
    const unseen = new Map([['fp32', 0.8], ['int8', 0.79], ['int8-augmented-calibration', 0.8025]]);
    const s = modesSection(withAug, [evaluated('fp32', 0.97), evaluated('int8', 0.965)], unseen);
    expect(s.table?.header.slice(5, 9)).toEqual(['test', 'Δ', 'unseen engine', 'Δ']);
    expect(s.table?.align).toHaveLength(s.table?.header.length ?? 0);
    const row = (id: string) => s.table?.rows.find((r) => r[0] === id);
    expect(row('int8')?.slice(7, 9)).toEqual(['79.00%', '-1.00']);
    expect(row('int8-augmented-calibration')?.slice(5, 9)).toEqual(['n/a', 'n/a', '80.25%', '+0.25']);
    expect(row('fp16')?.slice(7, 9)).toEqual(['n/a', 'n/a']);
    expect(s.text).toContain('On the unseen engine: int8 misses "within 0.3 points" (-1.00).');
    // A record without the copy count (written before it was kept): the words leave the count out.
    expect(s.text).toContain('The published int8 calibrates on 512 training clips, each clean or one of its augmented copies (equal chance); int8-augmented-calibration is the same recipe calibrated on training clips, each clean or one of its augmented copies (equal chance), seeded.');
  });

  it('says the augmented calibration fell back to clean clips when the run had no copies, and counts the copies when it had some', () => {
    const withAug = (copies: number) =>
      modesSection({ ...record, variants: [...record.variants, variant('int8-augmented-calibration', 'variants/int8-augmented-calibration.onnx', 333, 0.98)], calibration: { method: 'minmax', samples: 300, split: 'training', data: 'training-augmented', copies } } as OnnxRecord, []);
    expect(withAug(0).text).toContain('The published int8 calibrates on 300 training clips (augmented calibration asked for, but the run has no augmented copies: clean); int8-augmented-calibration is the same recipe calibrated on training clips (augmented calibration asked for, but the run has no augmented copies: clean), seeded.');
    expect(withAug(2).text).toContain('The published int8 calibrates on 300 training clips, each clean or one of its 2 augmented copies (equal chance);');
  });
});

describe('fallbackSection', () => {
  it('lists every step and names the layers kept float', () => {
    const section = fallbackSection(record);
    expect(section.text).toContain('1 layer(s) stayed float: dw_4');
    expect(section.table?.rows).toEqual([
      ['0', '(none)', '97.50%', '0.50'],
      ['1', 'dw_4', '97.80%', '0.20'],
    ]);
  });
});
