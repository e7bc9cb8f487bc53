// Clip ids name their engine, voice and variant; per-voice accuracy leaves silence windows out and ranks the weakest first.
import { describe, expect, it } from 'vitest';
import type { FeatureSet } from '@whittle/datasets';
import { accuracyByVoice, concatSets, engineOf, monitorSetsByVoice, speakerOf, subsetWhere, voiceOf } from './speaker-groups.ts';

const ids = [
  'data/yes/flite-kal-f0hi_nohash_0.wav',
  'data/no/flite-kal-slow_nohash_3.wav',
  'data/up/espeak-en-gb-x-rp-f5_nohash_1.wav',
  'data/up/festival-kdl-base_nohash_0.wav',
  'data/_background_noise_/white_noise.wav@1600',
];
const set: FeatureSet = { features: Float32Array.from({ length: 10 }, (_, i) => i), frames: 1, bins: 2, count: 5, labels: Int32Array.of(0, 1, 2, 2, 11), ids };

describe('speaker groups', () => {
  it('reads speaker, engine and voice off the clip id; silence windows have none', () => {
    expect(ids.map(speakerOf)).toEqual(['flite-kal-f0hi', 'flite-kal-slow', 'espeak-en-gb-x-rp-f5', 'festival-kdl-base', undefined]);
    expect(ids.map(engineOf)).toEqual(['flite', 'flite', 'espeak', 'festival', undefined]);
    expect(ids.map(voiceOf)).toEqual(['flite-kal', 'flite-kal', 'espeak-en-gb-x-rp', 'festival-kdl', undefined]);
  });

  it('subsets and concatenates rows with their features, labels and ids', () => {
    const flite = subsetWhere(set, (id) => engineOf(id) === 'flite');
    expect(Array.from(flite.features)).toEqual([0, 1, 2, 3]);
    const both = concatSets([flite, subsetWhere(set, (id) => engineOf(id) === undefined)]);
    expect(both.count).toBe(3);
    expect(Array.from(both.labels)).toEqual([0, 1, 11]);
    expect(Array.from(both.features)).toEqual([0, 1, 2, 3, 8, 9]);
    expect(both.ids).toEqual([ids[0], ids[1], ids[4]]);
  });

  it('counts silence in the overall accuracy only, weakest voice first', () => {
    const { overall, perVoice } = accuracyByVoice(set, Int32Array.of(0, 0, 2, 1, 11), 'all');
    expect(overall).toEqual({ group: 'all', clips: 5, accuracy: 3 / 5 });
    expect(perVoice).toEqual([
      { group: 'festival-kdl', clips: 1, accuracy: 0 },
      { group: 'flite-kal', clips: 2, accuracy: 0.5 },
      { group: 'espeak-en-gb-x-rp', clips: 1, accuracy: 1 },
    ]);
  });

  it('splits a set into monitor sets: the whole set first, then one per voice by name (silence only in the whole)', () => {
    const sets = monitorSetsByVoice(set, 'unseen engine');
    expect(sets.map((m) => [m.name, m.set.count])).toEqual([
      ['unseen engine', 5],
      ['espeak-en-gb-x-rp', 1],
      ['festival-kdl', 1],
      ['flite-kal', 2],
    ]);
    expect(sets[3]?.set.ids).toEqual([ids[0], ids[1]]);
    expect(Array.from(sets[2]?.set.features ?? [])).toEqual([6, 7]);
  });
});
