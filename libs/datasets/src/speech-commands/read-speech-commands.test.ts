// readSpeechCommands on a tiny generated folder: labels, both split sources, subsampling, silence windows.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../audio/encode-wav.ts';
import { writeWav } from '../audio/wav-file.ts';
import { WhittleError } from '../core/errors.ts';
import { KWS_LABELS, KWS_TARGET_WORDS } from './labels.ts';
import { readSpeechCommands, type SpeechCommandsEntry } from './read-speech-commands.ts';

// Speakers whose TensorFlow hash split is known (checked against Python in hash-split.test.ts).
const TRAIN_SPEAKERS = ['spk0', 'spk1', 'spk2'];
const VALIDATION_SPEAKER = 'spk5';
const TEST_SPEAKER = 'spk36';
const UNKNOWN_WORDS = ['bed', 'cat', 'dog'];
let dir = '';
const made: string[] = [];

async function fixture(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'whittle-sc-'));
  made.push(root);
  const clip = encodeWav(new Float32Array(160).fill(0.1), 16000);
  const put = async (word: string, speaker: string, n: number) => {
    await mkdir(join(root, word), { recursive: true });
    for (let k = 0; k < n; k++) await writeFile(join(root, word, `${speaker}_nohash_${k}.wav`), clip);
  };
  for (const word of KWS_TARGET_WORDS) {
    for (const s of TRAIN_SPEAKERS) await put(word, s, 2);
    await put(word, VALIDATION_SPEAKER, 1);
    await put(word, TEST_SPEAKER, 1);
  }
  for (const word of UNKNOWN_WORDS) {
    for (const s of [...TRAIN_SPEAKERS, 'spk3', 'spk4']) await put(word, s, 2);
    await put(word, VALIDATION_SPEAKER, 2);
    await put(word, TEST_SPEAKER, 2);
  }
  // 20 s of noise stored at 8 kHz: lengths and offsets are counted at 16 kHz regardless.
  await writeWav(join(root, '_background_noise_', 'hum.wav'), new Float32Array(160000).fill(0.01), 8000);
  await mkdir(join(root, '_ignored_'));
  return root;
}

function count(entries: readonly SpeechCommandsEntry[], split: string, label?: string): number {
  return entries.filter((e) => e.split === split && (label === undefined || e.label === label)).length;
}

beforeAll(async () => {
  dir = await fixture();
});

afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

describe('readSpeechCommands', () => {
  it('labels target words, maps other words to _unknown_ and splits by TensorFlow hash', async () => {
    const index = await readSpeechCommands(dir, { unknownPerSplit: 'all', silencePerSplit: 0 });
    expect(index.splitSource).toBe('hash');
    expect(index.words).toEqual(['bed', 'cat', 'dog', 'down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes']);
    const yes = index.entries.find((e) => e.path === join(dir, 'yes', 'spk5_nohash_0.wav'));
    expect(yes).toEqual({ path: join(dir, 'yes', 'spk5_nohash_0.wav'), word: 'yes', label: 'yes', labelIndex: 0, split: 'validation', speaker: 'spk5' });
    const cat = index.entries.find((e) => e.path === join(dir, 'cat', 'spk36_nohash_1.wav'));
    expect(cat).toMatchObject({ word: 'cat', label: '_unknown_', labelIndex: 10, split: 'testing', speaker: 'spk36' });
    expect(index.entries.length).toBe(10 * 8 + 3 * 14);
    expect(count(index.entries, 'training', 'go')).toBe(6);
    expect(new Set(index.entries.filter((e) => e.split === 'training').map((e) => e.speaker))).toEqual(new Set(['spk0', 'spk1', 'spk2', 'spk3', 'spk4']));
    const paths = index.entries.map((e) => e.path);
    expect(paths).toEqual([...paths].sort());
  });

  it('follows validation_list.txt / testing_list.txt when present', async () => {
    const listed = await fixture();
    await writeFile(join(listed, 'validation_list.txt'), 'yes/spk0_nohash_0.wav\nbed/spk1_nohash_1.wav\n');
    await writeFile(join(listed, 'testing_list.txt'), 'no/spk5_nohash_0.wav\r\n');
    const index = await readSpeechCommands(listed, { unknownPerSplit: 'all', silencePerSplit: 0 });
    expect(index.splitSource).toBe('lists');
    expect(index.entries.filter((e) => e.split === 'validation').map((e) => e.path)).toEqual([join(listed, 'bed', 'spk1_nohash_1.wav'), join(listed, 'yes', 'spk0_nohash_0.wav')]);
    expect(index.entries.filter((e) => e.split === 'testing').map((e) => e.path)).toEqual([join(listed, 'no', 'spk5_nohash_0.wav')]);
  });

  it('subsamples _unknown_ to a mean target word per split, the same way for the same seed', async () => {
    const a = await readSpeechCommands(dir, { seed: 3, silencePerSplit: 0 });
    // Training has 6 clips per target word, validation and testing 1: unknown 30/6/6 -> 6/1/1.
    expect([count(a.entries, 'training', '_unknown_'), count(a.entries, 'validation', '_unknown_'), count(a.entries, 'testing', '_unknown_')]).toEqual([6, 1, 1]);
    const again = await readSpeechCommands(dir, { seed: 3, silencePerSplit: 0 });
    expect(again.entries).toEqual(a.entries);
    const seeds = await Promise.all([4, 5, 6, 7].map((seed) => readSpeechCommands(dir, { seed, silencePerSplit: 0 })));
    const picked = (entries: readonly SpeechCommandsEntry[]) => entries.filter((e) => e.label === '_unknown_').map((e) => e.path).join();
    expect(seeds.some((s) => picked(s.entries) !== picked(a.entries))).toBe(true);
  });

  it('cuts _silence_ windows from disjoint stretches of the noise files, balanced per split', async () => {
    const index = await readSpeechCommands(dir, { seed: 1 });
    const silence = index.entries.filter((e) => e.label === '_silence_');
    expect([count(silence, 'training'), count(silence, 'validation'), count(silence, 'testing')]).toEqual([6, 1, 1]);
    expect(index.backgroundNoise).toEqual([join(dir, '_background_noise_', 'hum.wav')]);
    // 160000 samples at 8 kHz are 320000 at 16 kHz: training [0, 256000), validation [256000, 288000), testing [288000, 320000).
    const ranges: Record<string, [number, number]> = { training: [0, 256000], validation: [256000, 288000], testing: [288000, 320000] };
    for (const e of silence) {
      expect(e).toMatchObject({ word: '_background_noise_', labelIndex: 11, speaker: 'hum' });
      const [lo, hi] = ranges[e.split] as [number, number];
      expect(e.offset).toBeGreaterThanOrEqual(lo);
      expect((e.offset as number) + 16000).toBeLessThanOrEqual(hi);
    }
    const counted = await readSpeechCommands(dir, { seed: 1, silencePerSplit: 4 });
    expect(count(counted.entries, 'validation', '_silence_')).toBe(4);
  });

  it('puts every clip in testing with allClipsAsTest', async () => {
    const index = await readSpeechCommands(dir, { allClipsAsTest: true });
    expect(index.splitSource).toBe('all-test');
    expect(index.entries.every((e) => e.split === 'testing')).toBe(true);
    // 80 target clips -> mean 8 per word: 8 unknown and 8 silence windows.
    expect(count(index.entries, 'testing', '_unknown_')).toBe(8);
    expect(count(index.entries, 'testing', '_silence_')).toBe(8);
    expect(new Set(index.entries.map((e) => e.labelIndex))).toEqual(new Set(KWS_LABELS.map((_, i) => i)));
  });

  it('names the folder and the expected layout when it is missing or has no keyword folders', async () => {
    const missing = join(dir, 'nope');
    await expect(readSpeechCommands(missing)).rejects.toThrow(`Speech Commands folder '${missing}' does not exist`);
    const empty = await mkdtemp(join(tmpdir(), 'whittle-sc-empty-'));
    made.push(empty);
    await mkdir(join(empty, 'cat'));
    const err = await readSpeechCommands(empty).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WhittleError);
    expect((err as WhittleError).code).toBe('NOT_FOUND');
    expect((err as Error).message).toMatch(new RegExp(`'${empty}' has none of the ten keyword folders \\(found only cat\\); expected <dir>/<word>/<speaker>_nohash_<n>\\.wav`));
    await expect(readSpeechCommands(dir, { unknownPerSplit: 'some' as 'all' })).rejects.toThrow(/'unknownPerSplit'.*got 'some'/);
  });
});
