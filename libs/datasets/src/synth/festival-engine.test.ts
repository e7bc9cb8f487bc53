// festival engine against the real program: every voice speaks, every variant moves duration or pitch as designed.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingToolError, WhittleError } from '../core/errors.ts';
import { SeededRandom } from '../core/random.ts';
import { createFestivalEngine } from './festival-engine.ts';
import { FESTIVAL_TOOLS_HINT } from './festival-session.ts';
import { trimSilence } from './render-clip.ts';
import type { SpeechEngine, SynthesizedWord } from './speech-engine.ts';
import { resolveSynthConfig, UNSEEN_FESTIVAL_SYNTH_CONFIG, type FestivalVariant } from './synth-config.ts';

/** Median f0 (Hz) over voiced 40 ms frames: normalised autocorrelation peak in 60-400 Hz, kept when > 0.6. */
function medianPitch(x: Float32Array, rate: number): number {
  const n = Math.round(0.04 * rate);
  const hop = Math.round(0.01 * rate);
  const minLag = Math.floor(rate / 400);
  const maxLag = Math.ceil(rate / 60);
  const energy = (s: number, len: number) => {
    let e = 0;
    for (let i = 0; i < len; i++) e += (x[s + i] as number) ** 2;
    return e;
  };
  const starts: number[] = [];
  for (let s = 0; s + n + maxLag < x.length; s += hop) starts.push(s);
  const loudest = Math.max(...starts.map((s) => energy(s, n)));
  const f0s: number[] = [];
  for (const s of starts) {
    if (energy(s, n) < 0.1 * loudest) continue;
    let best = 0;
    let bestLag = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += (x[s + i] as number) * (x[s + i + lag] as number);
      const r = dot / Math.sqrt(energy(s, n) * energy(s + lag, n) + 1e-12);
      if (r > best) [best, bestLag] = [r, lag];
    }
    if (best > 0.6) f0s.push(rate / bestLag);
  }
  f0s.sort((a, b) => a - b);
  return f0s[Math.floor(f0s.length / 2)] ?? Number.NaN;
}

const seconds = (w: SynthesizedWord) => trimSilence(w.samples, w.sampleRate).length / w.sampleRate;

function rms(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / x.length);
}

const VOICES = UNSEEN_FESTIVAL_SYNTH_CONFIG.festivalVoices;
const HTS = new Set(['cmu_us_slt_arctic_hts']);
// Jitter off, so each variant's effect is exactly its settings.
const config = resolveSynthConfig({ preset: 'unseen-festival', festivalDurationJitter: 0, festivalF0Jitter: 0 });
const dirs: string[] = [];
let engine: SpeechEngine;
let scratch = '';

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'whittle-festival-'));
  dirs.push(scratch);
  engine = createFestivalEngine(config);
  // No skipping: without festival this suite fails and says what to install (CI runs scripts/setup.sh).
  await engine.preflight().catch((e: unknown) => {
    throw new Error(`festival is required for this suite: ${(e as Error).message} (${(e as WhittleError).hint ?? FESTIVAL_TOOLS_HINT})`);
  });
});

afterAll(async () => {
  await engine?.close?.();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const say = (voice: string, variant: string, word: string, seed = 1) => engine.synthesize({ id: `festival-${voice}-${variant}`, engine: 'festival', voice, variant }, word, new SeededRandom(seed), join(scratch, 'clip.wav'));

describe('festival engine', () => {
  it('reports its version and one speaker per voice x variant, sorted', async () => {
    expect(await engine.preflight()).toMatch(/^festival 2\.\d/);
    const ids = engine.speakers().map((s) => s.id);
    expect(ids).toHaveLength(15);
    expect(ids.slice(0, 5)).toEqual(['base', 'f0hi', 'f0lo', 'fast', 'slow'].map((v) => `festival-cmu_us_slt_arctic_hts-${v}`));
    expect(ids).toContain('festival-ked_diphone-slow');
  });

  it.each(VOICES)('%s says a word: non-silent audio at its native rate', async (voice) => {
    const word = await say(voice, 'base', 'yes');
    // The diphone voices are 16 kHz; the HTS voice writes 32 kHz.
    expect(word.sampleRate).toBe(HTS.has(voice) ? 32000 : 16000);
    expect(seconds(word)).toBeGreaterThan(0.2);
    expect(seconds(word)).toBeLessThan(1.2);
    expect(rms(trimSilence(word.samples, word.sampleRate))).toBeGreaterThan(0.02);
    // An adult voice: rules out a sample-rate mix-up, which would halve or double it.
    expect(medianPitch(word.samples, word.sampleRate)).toBeGreaterThan(70);
    expect(medianPitch(word.samples, word.sampleRate)).toBeLessThan(260);
  });

  it.each(VOICES)('%s: every variant changes duration or pitch by about what it asks', async (voice) => {
    const base = await say(voice, 'base', 'seven');
    const [baseSeconds, basePitch] = [seconds(base), medianPitch(base.samples, base.sampleRate)];
    for (const variant of config.festivalVariants.filter((v) => v.name !== 'base')) {
      const got = await say(voice, variant.name, 'seven');
      const durationRatio = seconds(got) / baseSeconds;
      const pitchRatio = medianPitch(got.samples, got.sampleRate) / basePitch;
      // HTS takes no pitch setting from festival: only `speed` moves its pitch.
      const wantPitch = (HTS.has(voice) ? 1 : variant.f0Shift) * variant.speed;
      const wantDuration = variant.durationStretch / variant.speed;
      const what = `${voice}-${variant.name}: duration x${durationRatio.toFixed(3)} (want ${wantDuration.toFixed(3)}), pitch x${pitchRatio.toFixed(3)} (want ${wantPitch.toFixed(3)})`;
      expect(Math.abs(Math.log(durationRatio / wantDuration)), what).toBeLessThan(Math.log(1.15));
      expect(Math.abs(Math.log(pitchRatio / wantPitch)), what).toBeLessThan(Math.log(1.1));
      // And the change is really there, beyond the measurement's resolution.
      const moved = (v: FestivalVariant) => ({ f0hi: pitchRatio > 1.03, f0lo: pitchRatio < 0.97, fast: durationRatio < 0.92, slow: durationRatio > 1.08 })[v.name];
      expect(moved(variant), what).toBe(true);
    }
  });

  it('turns a festival error into a BACKEND error naming the clip, and keeps working after it', async () => {
    const err = await say('no_such_voice', 'base', 'up').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BACKEND', message: expect.stringMatching(/^festival failed to say 'up' as festival-no_such_voice-base: SIOD ERROR: unbound variable : voice_no_such_voice/) as string });
    expect(seconds(await say('kal_diphone', 'base', 'up'))).toBeGreaterThan(0.1);
  });

  it('draws per-clip jitter from the seed: same seed same samples, another seed another take', async () => {
    const jittery = createFestivalEngine(resolveSynthConfig({ preset: 'unseen-festival' }));
    try {
      const speaker = { id: 'festival-kal_diphone-base', engine: 'festival' as const, voice: 'kal_diphone', variant: 'base' };
      const take = (seed: number) => jittery.synthesize(speaker, 'go', new SeededRandom(seed), join(scratch, 'jitter.wav'));
      const [a, b, c] = [await take(3), await take(3), await take(4)];
      expect(b.samples).toEqual(a.samples);
      expect(c.samples.length).not.toBe(a.samples.length);
    } finally {
      await jittery.close?.();
    }
  });
});

describe('festival engine preflight failures', () => {
  it('names the program and the apt packages when festival is missing', async () => {
    const missing = createFestivalEngine(config, join(scratch, 'no-festival'));
    const err = await missing.preflight().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingToolError);
    expect((err as WhittleError).hint).toBe('apt-get install festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts');
  });

  it('names the package of a voice that is not installed', async () => {
    // A stand-in festival that only has kal_diphone.
    const fake = join(scratch, 'festival-kal-only');
    await writeFile(fake, '#!/bin/sh\ncase "$1" in\n  --version) echo "festival: Festival Speech Synthesis System: 2.5.0:release";;\n  -b) echo "(kal_diphone)";;\nesac\n');
    await chmod(fake, 0o755);
    const err = await createFestivalEngine(config, fake).preflight().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WhittleError);
    expect(err).toMatchObject({ code: 'MISSING_TOOL', hint: 'apt-get install festvox-kdlpc16k' });
    expect((err as Error).message).toBe("festival voice 'ked_diphone' (from 'festivalVoices') is not installed. Installed: kal_diphone");
  });
});
