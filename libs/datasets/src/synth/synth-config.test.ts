// resolveSynthConfig fills from the named preset and rejects bad fields by name and value.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { DEFAULT_SYNTH_CONFIG, FESTIVAL_VOICE_PACKAGES, resolveSynthConfig, TINY_SYNTH_CONFIG, UNSEEN_FESTIVAL_SYNTH_CONFIG } from './synth-config.ts';

describe('resolveSynthConfig', () => {
  it('fills unspecified fields from the preset the partial names, and freezes the result deeply', () => {
    expect(resolveSynthConfig({})).toEqual(DEFAULT_SYNTH_CONFIG);
    const tiny = resolveSynthConfig({ preset: 'tiny', seed: 9, seedless: undefined } as never);
    expect(tiny).toEqual({ ...TINY_SYNTH_CONFIG, seed: 9 });
    expect(Object.isFrozen(tiny.espeakRate)).toBe(true);
    expect(Object.isFrozen(tiny.fliteVariants[0])).toBe(true);
    expect(Object.isFrozen(DEFAULT_SYNTH_CONFIG.espeakVoices)).toBe(true);
  });

  it('sizes the presets as documented: 2,220 clips per target word, 265 speakers; tiny 21 from 7', () => {
    const size = (c: typeof DEFAULT_SYNTH_CONFIG) => {
      const espeak = c.espeakVoices.length * c.espeakVariants.length;
      const flite = c.fliteVoices.length * c.fliteVariants.length;
      return { speakers: espeak + flite, perWord: espeak * c.espeakClipsPerWord + flite * c.fliteClipsPerWord, unknown: (espeak + flite) * c.unknownWordsPerSpeaker };
    };
    expect(size(DEFAULT_SYNTH_CONFIG)).toEqual({ speakers: 265, perWord: 2220, unknown: 1325 });
    expect(size(TINY_SYNTH_CONFIG)).toEqual({ speakers: 7, perWord: 21, unknown: 21 });
  });

  it('keeps festival out of every training preset; the unseen preset is festival only, all testing, 1,050 clips', () => {
    for (const c of [DEFAULT_SYNTH_CONFIG, TINY_SYNTH_CONFIG]) expect([c.festivalVoices, c.splits]).toEqual([[], 'by-speaker']);
    const u = UNSEEN_FESTIVAL_SYNTH_CONFIG;
    expect(resolveSynthConfig({ preset: 'unseen-festival' })).toEqual(u);
    expect([u.espeakVoices.length, u.fliteVoices.length, u.splits]).toEqual([0, 0, 'all-testing']);
    expect([...u.festivalVoices].sort()).toEqual(Object.keys(FESTIVAL_VOICE_PACKAGES).sort());
    const speakers = u.festivalVoices.length * u.festivalVariants.length;
    // ~30 clips of each target word per voice, as the evaluation brief asks.
    expect(u.festivalVariants.length * u.festivalClipsPerWord).toBe(30);
    expect(speakers * (10 * u.festivalClipsPerWord + u.unknownWordsPerSpeaker)).toBe(1050);
    expect(u.seed).not.toBe(DEFAULT_SYNTH_CONFIG.seed);
  });

  it('takes an optional espeakProsody, validated and frozen; no preset has the key, so their config hashes stay put', () => {
    const prosody = { pitchRange: [-50, 100], endings: ['.', '!', '?'] } as const;
    const c = resolveSynthConfig({ preset: 'tiny', espeakProsody: prosody });
    expect(c).toEqual({ ...TINY_SYNTH_CONFIG, espeakProsody: prosody });
    expect(c.espeakProsody).not.toBe(prosody);
    expect(Object.isFrozen(c.espeakProsody?.pitchRange)).toBe(true);
    expect(resolveSynthConfig({ espeakProsody: { pitchRange: [-90, -90], endings: ['?', '?', '.'] } }).espeakProsody).toEqual({ pitchRange: [-90, -90], endings: ['?', '?', '.'] });
    // toEqual ignores a key whose value is undefined; a hash of the config does not, so check the keys themselves.
    for (const preset of [DEFAULT_SYNTH_CONFIG, TINY_SYNTH_CONFIG, UNSEEN_FESTIVAL_SYNTH_CONFIG]) {
      expect(Object.hasOwn(preset, 'espeakProsody')).toBe(false);
      const resolved = resolveSynthConfig({ preset: preset.preset, espeakProsody: undefined });
      expect(Object.keys(resolved)).toEqual(Object.keys(preset));
      expect(JSON.stringify(resolved)).toBe(JSON.stringify(preset));
    }
  });

  it.each([
    [{ espeakProsody: { pitchRange: [50, 10], endings: ['.'] } }, "Argument 'espeakProsody.pitchRange' passed to 'resolveSynthConfig' must be [min, max] with integers in [-90, 100] and min <= max; got [50,10]"],
    [{ espeakProsody: { pitchRange: [-95, 0], endings: ['.'] } }, /'espeakProsody\.pitchRange' .*\[-90, 100\].*got \[-95,0\]/],
    [{ espeakProsody: { pitchRange: [0, 300], endings: ['.'] } }, /'espeakProsody\.pitchRange' .*\[-90, 100\].*got \[0,300\]/],
    [{ espeakProsody: { pitchRange: [0, 2.5], endings: ['.'] } }, /'espeakProsody\.pitchRange' .*integers.*got \[0,2\.5\]/],
    [{ espeakProsody: { endings: ['.'] } }, /'espeakProsody\.pitchRange' .*got undefined/],
    [{ espeakProsody: { pitchRange: [0, 10], endings: [] } }, "Argument 'espeakProsody.endings' passed to 'resolveSynthConfig' must be a non-empty list of '.', '!', '?'; got []"],
    [{ espeakProsody: { pitchRange: [0, 10], endings: ['?', ','] } }, /'espeakProsody\.endings' .*got \["\?",","\]/],
    [{ espeakProsody: { pitchRange: [0, 10], endings: '?' } }, /'espeakProsody\.endings' .*got "\?"/],
    [{ espeakProsody: { pitchRange: [0, 10], endings: ['?'], rate: 2 } }, "Unknown field 'espeakProsody.rate' passed to 'resolveSynthConfig'. Supported: pitchRange, endings"],
    [{ espeakProsody: null }, /'espeakProsody' .*\{ pitchRange: \[min, max\], endings: \[\.\.\.\] \}; got null/],
  ])('rejects espeakProsody %j, naming the field', (partial, message) => {
    expect(() => resolveSynthConfig(partial as never)).toThrow(ConfigError);
    expect(() => resolveSynthConfig(partial as never)).toThrow(message);
  });

  it.each([
    [{ seed: -1 }, "Argument 'seed' passed to 'resolveSynthConfig' must be an integer in [0, 4294967295]; got -1"],
    [{ espeakRate: [300, 200] }, "Argument 'espeakRate' passed to 'resolveSynthConfig' must be [min, max] with integers in [80, 450] and min <= max; got [300,200]"],
    [{ snrDb: [5] }, /'snrDb' .*got \[5\]/],
    [{ fliteVoices: ['awb_time'] }, /unknown voice 'awb_time'.*awb_time is left out: it can only say the time/],
    [{ fliteVoices: ['kal', 'festival'] }, "Argument 'fliteVoices' passed to 'resolveSynthConfig' has unknown voice 'festival'. Supported: kal, kal16, awb, rms, slt (awb_time is left out: it can only say the time)"],
    [{ fliteVariants: [{ name: 'x', f0Shift: 3, durationStretch: 1, speed: 1 }] }, /'fliteVariants\[0\]\.f0Shift' .*in \[0\.5, 2\]; got 3/],
    [{ espeakVariants: ['m3', 'M3'] }, /'espeakVariants' .*without duplicates/],
    [{ unknownWords: ['bed', 'stop'] }, /'unknownWords' .*without the target words.*got "stop"/],
    [{ unknownWordsPerSpeaker: 99 }, /'unknownWordsPerSpeaker' .*\[0, 60\]; got 99/],
    [{ noiseKinds: ['pink', 'violet'] }, /'noiseKinds' .*white, pink, brown, hum50, hum60; got \["pink","violet"\]/],
    [{ backgroundNoiseSeconds: [5, 8] }, /'backgroundNoiseSeconds'.*\[10, 600\]/],
    [{ concurrency: 0 }, /'concurrency' .*got 0/],
    [{ preset: 'huge' }, "Argument 'preset' passed to 'resolveSynthConfig' must be one of 'default', 'tiny', 'unseen-festival'; got \"huge\""],
    [{ festivalVoices: ['kal_diphone'] }, "Argument 'splits' passed to 'resolveSynthConfig' must be 'all-testing' when festivalVoices is non-empty (festival is held out for evaluation only); got \"by-speaker\""],
    [{ preset: 'tiny', festivalVoices: ['kal_diphone'], splits: 'by-speaker' }, /'splits' .*'all-testing' when festivalVoices is non-empty/],
    [{ festivalVoices: ['kdl_diphone'], splits: 'all-testing' }, "Argument 'festivalVoices' passed to 'resolveSynthConfig' has unknown voice 'kdl_diphone'. Supported: kal_diphone, ked_diphone, cmu_us_slt_arctic_hts"],
    [{ preset: 'unseen-festival', festivalVariants: [] }, /'festivalVariants' .*non-empty list/],
    [{ preset: 'unseen-festival', festivalVariants: [{ name: 'x', f0Shift: 1, durationStretch: 1, speed: 2 }] }, /'festivalVariants\[0\]\.speed' .*\[0\.8, 1\.25\]; got 2/],
    [{ festivalClipsPerWord: 0 }, /'festivalClipsPerWord' .*got 0/],
    [{ splits: 'half' }, /'splits' .*'by-speaker' or 'all-testing'; got "half"/],
    [{ espeakVoices: [], fliteVoices: [] }, /at least one speaker/],
    [{ colour: 'red' }, /Unknown field 'colour' passed to 'resolveSynthConfig'\. Supported: preset, seed, /],
  ])('rejects %j', (partial, message) => {
    expect(() => resolveSynthConfig(partial as never)).toThrow(ConfigError);
    expect(() => resolveSynthConfig(partial as never)).toThrow(message);
  });
});
