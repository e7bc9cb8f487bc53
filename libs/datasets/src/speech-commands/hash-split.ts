// TensorFlow's speech_commands `which_set`: a stable split from the speaker part of a file name.

import { createHash } from 'node:crypto';

export type SpeechCommandsSplit = 'training' | 'validation' | 'testing';

// TensorFlow's MAX_NUM_WAVS_PER_CLASS: the modulus is 2^27 and the scale 100 / (2^27 - 1).
const MAX_NUM_WAVS_PER_CLASS = 2n ** 27n - 1n;

/** The speaker id: the file's base name up to `_nohash_` (the whole base name when absent). */
export function speakerOf(fileName: string): string {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  return base.replace(/_nohash_.*$/, '');
}

/** TensorFlow's percentage in [0, 100]: sha1 of the speaker id, as a big integer, mod 2^27. */
export function hashPercentage(fileName: string): number {
  const hex = createHash('sha1').update(speakerOf(fileName)).digest('hex');
  const bucket = BigInt(`0x${hex}`) % (MAX_NUM_WAVS_PER_CLASS + 1n);
  return Number(bucket) * (100 / Number(MAX_NUM_WAVS_PER_CLASS));
}

/**
 * The split TensorFlow's input_data.which_set() gives a file: every clip of a speaker lands in the
 * same split, and the assignment never changes as files are added.
 */
export function hashSplit(fileName: string, validationPercent = 10, testingPercent = 10): SpeechCommandsSplit {
  const p = hashPercentage(fileName);
  if (p < validationPercent) return 'validation';
  if (p < validationPercent + testingPercent) return 'testing';
  return 'training';
}
