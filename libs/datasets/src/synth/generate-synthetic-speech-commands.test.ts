// End to end on the tiny preset: layout, formats, speaker-disjoint splits, synth.json, determinism, readability.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWavLayout } from '../audio/decode-wav.ts';
import { MissingToolError, WhittleError } from '../core/errors.ts';
import { SILENT_REPORTER, type ProgressEvent } from '../core/progress.ts';
import { KWS_LABELS, KWS_TARGET_WORDS } from '../speech-commands/labels.ts';
import { readSpeechCommands } from '../speech-commands/read-speech-commands.ts';
import { generateSyntheticSpeechCommands, type SynthSummary } from './generate-synthetic-speech-commands.ts';
import { resolveSynthConfig, TINY_SYNTH_CONFIG, UNSEEN_FESTIVAL_SYNTH_CONFIG } from './synth-config.ts';

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out.sort();
}

async function digests(dir: string): Promise<Map<string, string>> {
  const files = (await walk(dir)).filter((f) => !f.endsWith('synth.json'));
  return new Map(await Promise.all(files.map(async (f) => [relative(dir, f), createHash('sha256').update(await readFile(f)).digest('hex')] as const)));
}

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

const speakersOf = (list: string) => new Set(list.split('\n').filter(Boolean).map((l) => (l.split('/')[1] as string).replace(/_nohash_.*$/, '')));

describe('generateSyntheticSpeechCommands (tiny preset)', () => {
  let root = '';
  let out = '';
  let summary: SynthSummary;
  const events: ProgressEvent[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'whittle-synth-'));
    made.push(root);
    out = join(root, 'speech');
    summary = await generateSyntheticSpeechCommands(TINY_SYNTH_CONFIG, out, { ...SILENT_REPORTER, progress: (e) => events.push(e) });
  });

  it('writes the Speech Commands layout: 1.000 s 16 kHz mono pcm16 clips, noise files and lists', async () => {
    const files = await walk(out);
    const clips = files.filter((f) => f.endsWith('.wav') && !f.includes('_background_noise_'));
    expect(clips.length).toBe(231);
    for (const word of KWS_TARGET_WORDS) expect(clips.filter((f) => relative(out, f).startsWith(`${word}/`)).length).toBe(21);
    for (const clip of clips) {
      expect(relative(out, clip)).toMatch(/^[a-z]+\/(espeak|flite)-[a-z0-9-]+_nohash_\d+\.wav$/);
      const layout = parseWavLayout(await readFile(clip), clip);
      expect([layout.sampleRate, layout.channels, layout.bitsPerSample, layout.encoding, layout.frames]).toEqual([16000, 1, 16, 'pcm', 16000]);
    }
    const noise = files.filter((f) => f.includes('_background_noise_'));
    expect(noise.map((f) => relative(out, f))).toEqual(['_background_noise_/pink_noise_1.wav', '_background_noise_/white_noise_0.wav']);
    for (const f of noise) {
      const layout = parseWavLayout(await readFile(f), f);
      expect(layout.frames).toBeGreaterThanOrEqual(10 * 16000);
      expect(layout.frames).toBeLessThanOrEqual(12 * 16000);
    }
    expect(files.map((f) => relative(out, f)).filter((f) => !f.includes('/'))).toEqual(['synth.json', 'testing_list.txt', 'validation_list.txt']);
    // Nothing left beside it: the temp sibling was renamed into place.
    expect(await readdir(root)).toEqual(['speech']);
    expect(events.at(-1)).toEqual({ stage: 'synth speech', done: 231, total: 231, detail: expect.any(String) as string });
  });

  it('holds out whole speakers, with both engines in every split', async () => {
    const validation = speakersOf(await readFile(join(out, 'validation_list.txt'), 'utf8'));
    const testing = speakersOf(await readFile(join(out, 'testing_list.txt'), 'utf8'));
    const all = new Set((await walk(out)).filter((f) => f.includes('_nohash_')).map((f) => (relative(out, f).split('/')[1] as string).replace(/_nohash_.*$/, '')));
    const training = new Set([...all].filter((s) => !validation.has(s) && !testing.has(s)));
    expect([...validation].filter((s) => testing.has(s))).toEqual([]);
    for (const split of [training, validation, testing]) {
      expect([...split].some((s) => s.startsWith('espeak-'))).toBe(true);
      expect([...split].some((s) => s.startsWith('flite-'))).toBe(true);
    }
    expect(summary.speakers).toEqual({ training: training.size, validation: validation.size, testing: testing.size });
    expect(all.size).toBe(7);
  });

  it('writes synth.json last, holding the exact config and the summary', async () => {
    const json = JSON.parse(await readFile(join(out, 'synth.json'), 'utf8')) as { config: unknown; summary: SynthSummary };
    expect(json.config).toEqual(TINY_SYNTH_CONFIG);
    expect(json.summary).toEqual(summary);
    expect(summary.perLabel).toEqual({ ...Object.fromEntries(KWS_TARGET_WORDS.map((w) => [w, 21])), _unknown_: 21, _silence_: 0 });
    expect(summary.engines).toEqual([expect.stringMatching(/^espeak-ng \d/), expect.stringMatching(/^flite \d/)]);
    expect(summary.speakersPerEngine).toEqual({ espeak: 4, flite: 3 });
    const last = (await stat(join(out, 'synth.json'))).mtimeMs;
    for (const f of await walk(out)) expect((await stat(f)).mtimeMs).toBeLessThanOrEqual(last);
  });

  it('is readable by readSpeechCommands with all 12 labels in training', async () => {
    const index = await readSpeechCommands(out, { seed: 0 });
    expect(index.splitSource).toBe('lists');
    const training = new Set(index.entries.filter((e) => e.split === 'training').map((e) => e.label));
    expect([...training].sort()).toEqual([...KWS_LABELS].sort());
    for (const split of ['validation', 'testing']) expect(index.entries.some((e) => e.split === split && e.label === 'yes')).toBe(true);
  });

  it('gives byte-identical files for the same seed', async () => {
    const again = join(root, 'again');
    await generateSyntheticSpeechCommands(TINY_SYNTH_CONFIG, again, SILENT_REPORTER);
    const [a, b] = await Promise.all([digests(out), digests(again)]);
    expect(a.size).toBe(231 + 2 + 2);
    expect([...b.entries()]).toEqual([...a.entries()]);
  });

  it('refuses a non-empty output folder', async () => {
    await expect(generateSyntheticSpeechCommands(TINY_SYNTH_CONFIG, out, SILENT_REPORTER)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });
});

describe('generateSyntheticSpeechCommands without the tools', () => {
  it('throws MissingToolError with the apt-get hint and leaves nothing behind', async () => {
    const root = await mkdtemp(join(tmpdir(), 'whittle-synth-missing-'));
    made.push(root);
    const out = join(root, 'speech');
    for (const tools of [{ espeak: join(root, 'no-espeak-ng') }, { flite: join(root, 'no-flite') }]) {
      const err = await generateSyntheticSpeechCommands(TINY_SYNTH_CONFIG, out, SILENT_REPORTER, { tools }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MissingToolError);
      expect((err as WhittleError).message).toBe(`Required program '${Object.values(tools)[0]}' was not found on PATH`);
      expect((err as WhittleError).hint).toBe('apt-get install espeak-ng flite');
    }
    const festival = await generateSyntheticSpeechCommands(UNSEEN_FESTIVAL_SYNTH_CONFIG, out, SILENT_REPORTER, { tools: { festival: join(root, 'no-festival') } }).catch((e: unknown) => e);
    expect(festival).toBeInstanceOf(MissingToolError);
    expect((festival as WhittleError).hint).toBe('apt-get install festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts');
    expect(await readdir(root)).toEqual([]);
    // Needs only the engines the config uses: flite missing does not matter without flite voices.
    const espeakOnly = resolveSynthConfig({ preset: 'tiny', fliteVoices: [], espeakVariants: ['m3'], espeakVoices: ['en-us', 'en-gb', 'en-029'], espeakClipsPerWord: 1, unknownWordsPerSpeaker: 1 });
    // An existing empty folder is fine to fill.
    await mkdir(out);
    const summary = await generateSyntheticSpeechCommands(espeakOnly, out, SILENT_REPORTER, { tools: { flite: join(root, 'no-flite') } });
    expect(summary.engines).toEqual([expect.stringMatching(/^espeak-ng/)]);
    expect(summary.clips).toBe(33);
  });
});
