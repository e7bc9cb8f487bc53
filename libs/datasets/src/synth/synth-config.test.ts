// resolveSynthConfig fills from the named preset and rejects bad fields by name and value.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { DEFAULT_SYNTH_CONFIG, resolveSynthConfig, TINY_SYNTH_CONFIG } from './synth-config.ts';

describe('resolveSynthConfig', () => {
  it('fills unspecified fields from the preset the partial names, and freezes the result deeply', () => {
    expect(resolveSynthConfig({})).toEqual(DEFAULT_SYNTH_CONFIG);
    const tiny = resolveSynthConfig({ preset: 'tiny', seed: 9, seedless: undefined } as never);
    expect(tiny).toEqual({ ...TINY_SYNTH_CONFIG, seed: 9 });
    expect(Object.isFrozen(tiny.espeakRate)).toBe(true);
    expect(Object.isFrozen(tiny.fliteVariants[0])).toBe(true);
    expect(Object.isFrozen(DEFAULT_SYNTH_CONFIG.espeakVoices)).toBe(true);
  });

  it('sizes the presets as documented: ~870 clips per target word, 265 speakers; tiny 21 from 7', () => {
    const size = (c: typeof DEFAULT_SYNTH_CONFIG) => {
      const espeak = c.espeakVoices.length * c.espeakVariants.length;
      const flite = c.fliteVoices.length * c.fliteVariants.length;
      return { speakers: espeak + flite, perWord: espeak * c.espeakClipsPerWord + flite * c.fliteClipsPerWord, unknown: (espeak + flite) * c.unknownWordsPerSpeaker };
    };
    expect(size(DEFAULT_SYNTH_CONFIG)).toEqual({ speakers: 265, perWord: 870, unknown: 1325 });
    expect(size(TINY_SYNTH_CONFIG)).toEqual({ speakers: 7, perWord: 21, unknown: 21 });
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
    [{ preset: 'huge' }, "Argument 'preset' passed to 'resolveSynthConfig' must be 'default' or 'tiny'; got \"huge\""],
    [{ espeakVoices: [], fliteVoices: [] }, /at least one speaker/],
    [{ colour: 'red' }, /Unknown field 'colour' passed to 'resolveSynthConfig'\. Supported: preset, seed, /],
  ])('rejects %j', (partial, message) => {
    expect(() => resolveSynthConfig(partial as never)).toThrow(ConfigError);
    expect(() => resolveSynthConfig(partial as never)).toThrow(message);
  });
});
