// The hash split must agree with TensorFlow's Python which_set() to the last digit.
import { describe, expect, it } from 'vitest';
import { hashPercentage, hashSplit, speakerOf } from './hash-split.ts';

describe('hashSplit', () => {
  // Reference values from Python: re.sub(r'_nohash_.*$', '', name), sha1, int(hex, 16) % 2**27 * 100 / (2**27 - 1).
  it.each([
    ['yes/0a7c2a8d_nohash_0.wav', 56.836387193474074, 'training'],
    ['espeak-en-us-m3_nohash_1.wav', 74.4467338505889, 'training'],
    ['b', 15.70121657625747, 'testing'],
    ['go/spk5_nohash_3.wav', 1.080276080073983, 'validation'],
    ['spk36_nohash_0.wav', 12.839558071192785, 'testing'],
  ])('%s -> %f (%s)', (name, percentage, split) => {
    expect(hashPercentage(name)).toBeCloseTo(percentage, 10);
    expect(hashSplit(name)).toBe(split);
  });

  it('takes the speaker from the base name before _nohash_', () => {
    expect(speakerOf('left/flite-slt-f0hi_nohash_12.wav')).toBe('flite-slt-f0hi');
    expect(speakerOf('a/b/plain.wav')).toBe('plain.wav');
  });
});
