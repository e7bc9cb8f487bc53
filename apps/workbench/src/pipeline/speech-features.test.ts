// clipId: one id per clip whichever dataset folder it is read from, with the word folder and a noise window's offset.
import { describe, expect, it } from 'vitest';
import { clipId } from './speech-features.ts';

describe('clipId', () => {
  it('is the same for the same clip read from two different dataset folders', () => {
    const a = clipId({ path: '/tmp/run-a/data/go/espeak-en-us-m1_nohash_0.wav' });
    const b = clipId({ path: 'relative/elsewhere/go/espeak-en-us-m1_nohash_0.wav' });
    expect(a).toBe('go/espeak-en-us-m1_nohash_0.wav');
    expect(b).toBe(a);
  });

  it('keeps the word folder, so the same file name under two words stays two ids', () => {
    expect(clipId({ path: '/d/go/x_nohash_0.wav' })).not.toBe(clipId({ path: '/d/no/x_nohash_0.wav' }));
  });

  it('appends the offset of a silence window cut from a noise file', () => {
    expect(clipId({ path: '/data/_background_noise_/pink-1.wav', offset: 3200 })).toBe('_background_noise_/pink-1.wav@3200');
  });
});
