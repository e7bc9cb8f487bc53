// The held-out engine guard: passes test-only festival clips, names the first festival clip in training or validation.
import { describe, expect, it } from 'vitest';
import { ConfigError, WhittleError } from '../core/errors.ts';
import { assertNoHeldOutEngine } from './assert-no-held-out-engine.ts';

const entry = (path: string, split: 'training' | 'validation' | 'testing') => ({ path, split, speaker: (path.split('/').at(-1) as string).replace(/_nohash_.*$/, '') });

describe('assertNoHeldOutEngine', () => {
  const clean = [
    entry('d/yes/espeak-en-us-m3_nohash_0.wav', 'training'),
    entry('d/no/flite-kal-base_nohash_1.wav', 'validation'),
    entry('d/up/festival-kal_diphone-base_nohash_0.wav', 'testing'),
    // A noise file's name is not an engine prefix, even when it starts with the same letters.
    { path: 'd/_background_noise_/festival.wav', split: 'training' as const, speaker: 'festival.wav' },
  ];

  it('accepts held-out engine clips in testing and other engines anywhere', () => {
    expect(() => assertNoHeldOutEngine(clean, ['festival'])).not.toThrow();
    expect(() => assertNoHeldOutEngine([], ['festival'])).not.toThrow();
  });

  it('names the first festival clip in training or validation, and counts them', () => {
    const entries = [...clean, entry('d/go/festival-ked_diphone-slow_nohash_2.wav', 'validation'), entry('d/left/festival-kal_diphone-base_nohash_0.wav', 'training')];
    const err = (() => {
      try {
        assertNoHeldOutEngine(entries, ['festival']);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(WhittleError);
    expect(err).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message:
        "Clip 'd/go/festival-ked_diphone-slow_nohash_2.wav' (speaker 'festival-ked_diphone-slow') is in the 'validation' split but comes from 'festival', an engine held out for evaluation only (2 such clips in all)",
      hint: 'generate the training data without festival voices; festival clips belong in the unseen-engine test set',
    });
    // The same entries are fine when nothing is held out, and flite can be held out too.
    expect(() => assertNoHeldOutEngine(entries, [])).not.toThrow();
    expect(() => assertNoHeldOutEngine(clean, ['flite'])).toThrow("Clip 'd/no/flite-kal-base_nohash_1.wav' (speaker 'flite-kal-base') is in the 'validation' split but comes from 'flite'");
  });

  it('rejects an engine name that is not one', () => {
    expect(() => assertNoHeldOutEngine(clean, ['festival-'])).toThrow(ConfigError);
  });
});
