// An ensemble teacher trains one member per seed, counts the scratch student as the member it already is, and distils the mean of their probabilities.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom, SILENT_REPORTER, type FeatureSet } from '@whittle/datasets';
import { predictLogits, resolveTrainConfig } from '@whittle/distill';
import { prepareTeacher } from './teacher-stage.ts';
import { roleDir, trainRole, type RoleData } from './train-role.ts';

const FRAMES = 16;
const BINS = 8;

/** Rows whose label is which third of the bins carries energy, plus noise: learnable in one epoch. */
function bandSet(count: number, seed: number): FeatureSet {
  const rng = new SeededRandom(seed);
  const features = new Float32Array(count * FRAMES * BINS);
  const labels = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const label = r % 12;
    labels[r] = label;
    for (let f = 0; f < FRAMES; f++) for (let b = 0; b < BINS; b++) features[(r * FRAMES + f) * BINS + b] = (Math.floor((b * 12) / BINS) === label ? 2 : 0) + 0.3 * rng.normal();
  }
  return { features, frames: FRAMES, bins: BINS, count, labels, ids: Array.from({ length: count }, (_, i) => `w/c${seed}-${i}.wav`) };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe("prepareTeacher with an 'ensemble' choice", () => {
  it('trains only the members no role already is, and its logits are the mean of the members’ probabilities', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'whittle-ensemble-teacher-'));
    const data: RoleData = { train: bandSet(36, 1), validation: bandSet(24, 2), test: bandSet(24, 3), views: [], dataKey: 'toy' };
    const train = resolveTrainConfig({ model: 'ds-cnn-s', epochs: 1, batchSize: 12, seed: 5, workers: 1 });
    const common = { runDir, frames: FRAMES, bins: BINS, reporter: SILENT_REPORTER, resume: false };
    const scratch = await trainRole({ ...common, role: 'scratch', train, data });
    const noAudio = async () => new Float32Array(0);
    const unseen = bandSet(12, 4);
    const teacher = await prepareTeacher({
      choice: { kind: 'ensemble', model: 'ds-cnn-s', epochs: 1, seeds: [5, 6] },
      train,
      data,
      trainAudio: noAudio,
      validationAudio: noAudio,
      testAudio: noAudio,
      normalization: { mean: 0, std: 1 },
      cacheDir: join(runDir, 'teacher-cache'),
      reusable: [scratch],
      unseen,
      common,
    });
    expect(teacher).toBeDefined();
    if (teacher === undefined) return;
    // Seed 5 is the scratch student's training: only seed 6 was trained, under its own role.
    expect(existsSync(roleDir(runDir, 'teacher-seed6'))).toBe(true);
    expect(existsSync(roleDir(runDir, 'teacher-seed5'))).toBe(false);
    expect(teacher.trained.map((t) => t.record.role)).toEqual(['teacher-seed6']);
    expect(teacher.members.map((m) => m.role)).toEqual(['teacher-seed6']);
    expect(teacher.summary.model).toBe('mean of 2 ds-cnn-s (seeds 5 (the scratch student), 6)');
    expect(teacher.summary.params).toBe(2 * scratch.record.model.params);
    expect(teacher.summary.unseenAccuracy).toBeGreaterThanOrEqual(0);

    const member = teacher.trained[0]!.model;
    const [a, b] = [predictLogits(scratch.model, data.train), predictLogits(member, data.train)];
    const logits = teacher.viewLogits[0]!;
    for (let r = 0; r < data.train.count; r++) {
      const p = (z: Float32Array) => {
        const row = Array.from(z.subarray(r * 12, (r + 1) * 12));
        const m = Math.max(...row);
        const e = row.map((v) => Math.exp(v - m));
        const s = e.reduce((x, y) => x + y, 0);
        return e.map((v) => v / s);
      };
      const [pa, pb] = [p(a), p(b)];
      for (let c = 0; c < 12; c++) expect(logits[r * 12 + c]).toBeCloseTo(Math.log(((pa[c] as number) + (pb[c] as number)) / 2), 4);
    }
    scratch.model.dispose();
    member.dispose();
  }, 120_000);
});
