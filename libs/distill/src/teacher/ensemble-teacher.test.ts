// An ensemble teacher scores the log of its members' mean probabilities, has its own cache identity, and refuses empty or nested ensembles.
import * as tf from '@tensorflow/tfjs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@whittle/datasets';
import { buildDsCnn, DS_CNN_S } from '../models/ds-cnn.ts';
import { toyBandSet } from '../testing/toy-band-set.ts';
import { predictLogits } from '../train/train-classifier.ts';
import { meanProbabilityLogits } from './ensemble-teacher.ts';
import { cachedTeacherLogits } from './teacher-cache.ts';
import { teacherIdentity } from './teacher-identity.ts';
import { teacherLogits } from './teacher-logits.ts';
import { describeTeacher, type TeacherSource } from './teacher-source.ts';

const LABELS = ['a', 'b', 'c'];
const tiny = (seed: number) => buildDsCnn({ ...DS_CNN_S, inputFrames: 16, inputBins: 8, numClasses: 3, channels: 4, blocks: 1, dropout: 0 }, seed);
const softmax = (z: readonly number[]) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('meanProbabilityLogits', () => {
  it('is the log of the mean softmax, row by row, and a single member keeps its distribution', () => {
    const a = Float32Array.of(2, 0, -1, 0, 0, 0);
    const b = Float32Array.of(0, 3, 0, 10, -10, 0);
    const out = meanProbabilityLogits([a, b], 3);
    for (const r of [0, 1]) {
      const pa = softmax(Array.from(a.subarray(3 * r, 3 * r + 3)));
      const pb = softmax(Array.from(b.subarray(3 * r, 3 * r + 3)));
      Array.from(out.subarray(3 * r, 3 * r + 3)).forEach((v, c) => expect(v).toBeCloseTo(Math.log(((pa[c] as number) + (pb[c] as number)) / 2), 5));
    }
    // Two members that disagree: averaging probabilities lets the confident one win, averaging logits would not.
    expect(Array.from(meanProbabilityLogits([Float32Array.of(0, 1), Float32Array.of(8, 0)], 2)).indexOf(Math.max(...meanProbabilityLogits([Float32Array.of(0, 1), Float32Array.of(8, 0)], 2)))).toBe(0);
    const single = meanProbabilityLogits([a], 3);
    expect(softmax(Array.from(single.subarray(0, 3)))).toEqual(softmax([2, 0, -1]).map((p) => expect.closeTo(p, 6)));
    // Extreme logits stay finite.
    expect(Array.from(meanProbabilityLogits([Float32Array.of(1000, -1000)], 2)).every(Number.isFinite)).toBe(true);
  });

  it('names the mismatch when members differ in size or the class count does not divide them', () => {
    expect(() => meanProbabilityLogits([], 3)).toThrow(ConfigError);
    expect(() => meanProbabilityLogits([new Float32Array(6), new Float32Array(3)], 3)).toThrow('Ensemble member 1 has 3 logits; member 0 has 6');
    expect(() => meanProbabilityLogits([new Float32Array(6)], 4)).toThrow('got 4 classes for 6 values');
  });
});

describe("an 'ensemble' teacher source", () => {
  it('gives the mean-probability logits of its layers members, caches under its own key, and describes its members', async () => {
    const set = toyBandSet(10, 1, { frames: 16, bins: 8, bandWidth: 3, noise: 0.3 });
    const [m1, m2] = [tiny(1), tiny(2)];
    const members: TeacherSource[] = [
      { kind: 'layers', model: m1, name: 'one', labels: LABELS },
      { kind: 'layers', model: m2, name: 'two', labels: LABELS },
    ];
    const ensemble: TeacherSource = { kind: 'ensemble', members };
    const before = tf.memory().numTensors;
    const logits = await teacherLogits(ensemble, set, { labels: LABELS });
    expect(tf.memory().numTensors).toBe(before);
    const expected = meanProbabilityLogits([predictLogits(m1, set), predictLogits(m2, set)], 3);
    Array.from(logits).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 5));
    expect(describeTeacher(ensemble)).toBe("ensemble of 2 teachers (layers teacher 'one'; layers teacher 'two')");

    const identities = await Promise.all([ensemble, { kind: 'ensemble', members: [...members].reverse() } as TeacherSource, { kind: 'ensemble', members: [members[0]!] } as TeacherSource, members[0]!].map(teacherIdentity));
    expect(new Set(identities).size).toBe(4);
    expect(await teacherIdentity({ kind: 'ensemble', members: [{ ...members[0]!, name: 'renamed' } as TeacherSource, members[1]!] })).toBe(identities[0]);

    const cacheDir = await mkdtemp(join(tmpdir(), 'whittle-ensemble-cache-'));
    const first = await cachedTeacherLogits(ensemble, set, { cacheDir, labels: LABELS });
    const second = await cachedTeacherLogits(ensemble, set, { cacheDir, labels: LABELS });
    expect([first.hit, second.hit]).toEqual([false, true]);
    expect(Array.from(second.logits)).toEqual(Array.from(first.logits));
    m1.dispose();
    m2.dispose();
  });

  it('refuses an empty ensemble and an ensemble inside an ensemble', async () => {
    const set = toyBandSet(2, 1, { frames: 16, bins: 8, bandWidth: 3, noise: 0.3 });
    await expect(teacherLogits({ kind: 'ensemble', members: [] }, set, { labels: LABELS })).rejects.toThrow("An 'ensemble' teacher needs at least one member; got none");
    const model = tiny(3);
    const inner: TeacherSource = { kind: 'ensemble', members: [{ kind: 'layers', model, name: 'x', labels: LABELS }] };
    await expect(teacherLogits({ kind: 'ensemble', members: [inner] }, set, { labels: LABELS })).rejects.toThrow('Ensemble teacher member 0 is itself an ensemble');
    await expect(teacherIdentity({ kind: 'ensemble', members: [] })).rejects.toThrow(ConfigError);
    model.dispose();
  });
});
