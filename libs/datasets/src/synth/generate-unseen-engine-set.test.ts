// The held-out festival set on a tiny override: every clip listed for testing, readable, seeded, guarded.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWavLayout } from '../audio/decode-wav.ts';
import { ConfigError } from '../core/errors.ts';
import { SILENT_REPORTER } from '../core/progress.ts';
import { assertNoHeldOutEngine } from '../speech-commands/assert-no-held-out-engine.ts';
import { KWS_LABELS, KWS_TARGET_WORDS } from '../speech-commands/labels.ts';
import { readSpeechCommands } from '../speech-commands/read-speech-commands.ts';
import type { SynthSummary } from './generate-synthetic-speech-commands.ts';
import { generateUnseenEngineSet, type UnseenEngineSetOptions } from './generate-unseen-engine-set.ts';

const TINY: UnseenEngineSetOptions = {
  seed: 11,
  overrides: {
    festivalVariants: [{ name: 'base', f0Shift: 1, durationStretch: 1, speed: 1 }],
    festivalClipsPerWord: 1,
    unknownWordsPerSpeaker: 2,
    backgroundNoiseFiles: 2,
    backgroundNoiseSeconds: [10, 10],
  },
};
const SPEAKERS = ['festival-cmu_us_slt_arctic_hts-base', 'festival-kal_diphone-base', 'festival-ked_diphone-base'];

const lines = (text: string) => text.split('\n').filter(Boolean);

describe('generateUnseenEngineSet (tiny)', () => {
  let root = '';
  let out = '';
  let summary: SynthSummary;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'whittle-unseen-'));
    out = join(root, 'unseen');
    // No skipping: without festival this fails with the apt-get hint (CI installs it via scripts/setup.sh).
    summary = await generateUnseenEngineSet(out, SILENT_REPORTER, TINY).catch((e: unknown) => {
      throw new Error(`festival is required for this suite: ${(e as Error).message} (${(e as { hint?: string }).hint ?? ''})`);
    });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lists every clip, and only clips, in testing_list.txt; validation is empty', async () => {
    const testing = lines(await readFile(join(out, 'testing_list.txt'), 'utf8'));
    expect(await readFile(join(out, 'validation_list.txt'), 'utf8')).toBe('');
    // 3 speakers x (10 target words + 2 unknown words).
    expect(testing).toHaveLength(36);
    const onDisk: string[] = [];
    for (const word of (await readdir(out, { withFileTypes: true })).filter((d) => d.isDirectory() && d.name !== '_background_noise_')) {
      for (const f of await readdir(join(out, word.name))) onDisk.push(`${word.name}/${f}`);
    }
    expect(onDisk.sort()).toEqual(testing);
    for (const line of testing) {
      expect(line).toMatch(/^[a-z]+\/festival-(kal_diphone|ked_diphone|cmu_us_slt_arctic_hts)-base_nohash_0\.wav$/);
      const layout = parseWavLayout(await readFile(join(out, line)), line);
      expect([layout.sampleRate, layout.channels, layout.frames]).toEqual([16000, 1, 16000]);
    }
    expect(summary).toMatchObject({ clips: 36, speakers: { training: 0, validation: 0, testing: 3 }, speakersPerEngine: { festival: 3 } });
    expect(summary.engines).toEqual([expect.stringMatching(/^festival 2\.\d/)]);
    const json = JSON.parse(await readFile(join(out, 'synth.json'), 'utf8')) as { config: { preset: string; seed: number; splits: string; festivalVoices: string[] } };
    expect(json.config).toMatchObject({ preset: 'unseen-festival', seed: 11, splits: 'all-testing', festivalVoices: ['kal_diphone', 'ked_diphone', 'cmu_us_slt_arctic_hts'] });
  });

  it('reads back with readSpeechCommands: all 12 labels, every entry in testing, every voice', async () => {
    const index = await readSpeechCommands(out, { seed: 0, unknownPerSplit: 'all' });
    expect(index.splitSource).toBe('lists');
    expect(new Set(index.entries.map((e) => e.split))).toEqual(new Set(['testing']));
    expect([...new Set(index.entries.map((e) => e.label))].sort()).toEqual([...KWS_LABELS].sort());
    for (const word of KWS_TARGET_WORDS) expect(index.entries.filter((e) => e.word === word).map((e) => e.speaker).sort()).toEqual(SPEAKERS);
    expect(index.entries.filter((e) => e.label === '_unknown_')).toHaveLength(6);
    // The guard passes the set as it is, and catches it the moment a clip lands in training.
    expect(() => assertNoHeldOutEngine(index.entries, ['festival'])).not.toThrow();
    const leaked = index.entries.map((e, i) => (i === index.entries.length - 1 ? { ...e, split: 'training' as const } : e));
    const last = index.entries.at(-1)?.path as string;
    expect(() => assertNoHeldOutEngine(leaked, ['festival'])).toThrow(`Clip '${last}'`);
  });

  it('is byte-identical for the same seed', async () => {
    const again = join(root, 'again');
    await generateUnseenEngineSet(again, SILENT_REPORTER, TINY);
    const digest = async (dir: string) => {
      const testing = lines(await readFile(join(dir, 'testing_list.txt'), 'utf8'));
      return Promise.all(testing.map(async (f) => createHash('sha256').update(await readFile(join(dir, f))).digest('hex')));
    };
    expect(await digest(again)).toEqual(await digest(out));
  });

  it('refuses overrides that would put festival in a training split', async () => {
    const err = await generateUnseenEngineSet(join(root, 'bad'), SILENT_REPORTER, { overrides: { splits: 'by-speaker' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      "Argument 'splits' passed to 'resolveSynthConfig' must be 'all-testing' when festivalVoices is non-empty (festival is held out for evaluation only); got \"by-speaker\"",
    );
  });
});
