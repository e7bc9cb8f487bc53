// The accuracy-aware int8 both the published model and the leave-one-engine-out roles get: the plain int8 when it meets
// the bound, else quantizeWithinDrop's answer in the per-layer report's order; fp32 measured once, every step reported once.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STATIC_QUANTIZE_CONFIG, encodeOnnxModel, layerQuantizationReport, quantizeStatic, quantizeWithinDrop, type FallbackStep, type OnnxModel, type TensorRanges } from '@whittle/quantize';
import { accuracyAwareInt8, type AccuracyAwareInt8Options } from './accuracy-aware-int8.ts';
import { calibrationFeeds } from './calibration-feeds.ts';
import { fixtureRows, untrainedDsCnnS } from './testing/untrained-ds-cnn.ts';

const config = DEFAULT_STATIC_QUANTIZE_CONFIG;
const { train, order } = fixtureRows();
let fp32: OnnxModel;
let ranges: TensorRanges;

/**
 * A stand-in validation score that every DequantizeLinear node costs 0.2 points of: fp32 scores 1, and keeping a layer
 * float wins its nodes' points back, so a bound decides how many layers stay float. Counts its calls on fp32.
 */
function scorer(): { evaluate: (m: OnnxModel) => Promise<number>; fp32Calls: () => number } {
  let calls = 0;
  return {
    evaluate: (m) => {
      if (m === fp32) calls++;
      return Promise.resolve(1 - 0.002 * m.graph.nodes.filter((n) => n.opType === 'DequantizeLinear').length);
    },
    fp32Calls: () => calls,
  };
}
const debugFeeds = () => calibrationFeeds(train, order.slice(0, 32));
const options = (over: Partial<AccuracyAwareInt8Options> & Pick<AccuracyAwareInt8Options, 'evaluate'>): AccuracyAwareInt8Options => ({ ranges, config, maxDrop: null, debugFeeds, layerReport: 'when-needed', ...over });
const bytes = (m: OnnxModel) => Buffer.from(encodeOnnxModel(m));

beforeAll(async () => {
  ({ fp32, ranges } = await untrainedDsCnnS({ train, order }, config.calibration));
});

describe('accuracyAwareInt8', () => {
  it('without a bound: the plain int8, one step, and the per-layer report only when asked for', async () => {
    const plainDrop = (1 - (await scorer().evaluate(quantizeStatic(fp32, ranges, config)))) * 100;
    const s = scorer();
    const steps: FallbackStep[] = [];
    const lazy = await accuracyAwareInt8(fp32, options({ evaluate: s.evaluate, onStep: (step) => steps.push(step) }));
    expect(bytes(lazy.model).equals(bytes(quantizeStatic(fp32, ranges, config)))).toBe(true);
    expect(lazy.layerReport).toBeNull();
    expect(lazy.steps).toEqual([{ keptFloat: [], accuracy: 1 - plainDrop / 100, drop: lazy.drop, evaluated: true }]);
    expect(lazy.drop).toBeCloseTo(plainDrop, 9);
    expect([lazy.withinBound, lazy.baselineAccuracy, lazy.keptFloat]).toEqual([true, 1, []]);
    expect(steps).toEqual(lazy.steps);
    expect(s.fp32Calls()).toBe(1);
    const always = await accuracyAwareInt8(fp32, options({ evaluate: scorer().evaluate, layerReport: 'always' }));
    expect(always.layerReport?.layers.length).toBeGreaterThan(0);
    expect(bytes(always.model).equals(bytes(lazy.model))).toBe(true);
  }, 60_000);

  it("over the bound: quantizeWithinDrop's model and steps in the report's order, fp32 measured once, each step reported once", async () => {
    const plain = quantizeStatic(fp32, ranges, config);
    const report = await layerQuantizationReport(fp32, plain, debugFeeds(), { ranges, config });
    const plainDrop = (1 - (await scorer().evaluate(plain))) * 100;
    // Half the plain drop: some layers must stay float, not all.
    const maxDrop = plainDrop / 2;
    const reference = await quantizeWithinDrop(fp32, ranges, config, { maxDrop, evaluate: scorer().evaluate, order: report.layers.map((l) => l.node) });
    expect(reference.keptFloat.length).toBeGreaterThan(0);
    for (const layerReport of ['when-needed', 'always'] as const) {
      const s = scorer();
      const steps: FallbackStep[] = [];
      const built = await accuracyAwareInt8(fp32, options({ evaluate: s.evaluate, maxDrop, layerReport, onStep: (step) => steps.push(step) }));
      expect(bytes(built.model).equals(bytes(reference.model))).toBe(true);
      expect(built.keptFloat).toEqual(reference.keptFloat);
      expect(built.steps).toEqual(reference.steps);
      expect(steps).toEqual(reference.steps);
      expect(built.layerReport?.layers.map((l) => l.node)).toEqual(report.layers.map((l) => l.node));
      expect(s.fp32Calls()).toBe(1);
    }
  }, 120_000);
});
