// Dictionary words for `_unknown_`: only lowercase words of the asked length that do not sound like a target, seeded, with named errors.
import { describe, expect, it } from 'vitest';
import { BadFileError } from '../core/errors.ts';
import { readDictionaryWords, sampleDictionaryWords, soundsLikeTarget } from './dictionary-words.ts';

const LIST = ['apple', 'Boston', "cat's", 'café', 'dog', 'go', 'goes', 'going', 'gone', 'know', 'write', 'stops', 'stopper', 'ox', 'elephants', 'fig', 'fig', 'hat', 'ink', 'jam'].join('\n');

describe('soundsLikeTarget', () => {
  it('flags targets, homophones and inflections, but not other words that merely start like a target', () => {
    for (const w of ['go', 'goes', 'going', 'know', 'write', 'stops', 'stopped', 'lefts', 'downs']) expect(soundsLikeTarget(w), w).toBe(true);
    for (const w of ['gone', 'goat', 'upon', 'note', 'tree', 'onion']) expect(soundsLikeTarget(w), w).toBe(false);
  });
});

describe('sampleDictionaryWords', () => {
  it('keeps only lowercase words of the asked length that do not sound like a target, each once', () => {
    const words = sampleDictionaryWords(LIST, { count: 8, seed: 1, letters: [3, 7] });
    expect(words).toEqual(['apple', 'dog', 'fig', 'gone', 'hat', 'ink', 'jam', 'stopper']);
  });

  it('is reproducible per seed and differs across seeds', () => {
    // 200 distinct usable words, 'baaa' to 'bahr': 'ba' (a vowel, and no target starts with it) and i in base 26.
    const letter = (n: number) => String.fromCharCode(97 + n);
    const many = Array.from({ length: 200 }, (_, i) => `ba${letter(Math.floor(i / 26))}${letter(i % 26)}`).join('\n');
    expect(sampleDictionaryWords(many, { count: 200, seed: 3, letters: [3, 7] })).toHaveLength(200);
    const a = sampleDictionaryWords(many, { count: 20, seed: 3, letters: [3, 7] });
    expect(sampleDictionaryWords(many, { count: 20, seed: 3, letters: [3, 7] })).toEqual(a);
    expect(sampleDictionaryWords(many, { count: 20, seed: 4, letters: [3, 7] })).not.toEqual(a);
    expect(new Set(a).size).toBe(20);
  });

  it('names the list and the shortfall when it has too few usable words', () => {
    expect(() => sampleDictionaryWords(LIST, { count: 50, seed: 1, letters: [3, 7] }, '/x/words')).toThrow(/\/x\/words: has 8 usable words of 3-7 lowercase letters; 50 were asked for/);
  });

  it('rejects a bad length range', () => {
    expect(() => sampleDictionaryWords(LIST, { count: 1, seed: 1, letters: [5, 3] })).toThrow(/'letters'.*\[5,3\]/);
  });
});

describe('readDictionaryWords', () => {
  it('says which package provides a missing list', async () => {
    await expect(readDictionaryWords('/nonexistent/words', { count: 1, seed: 1, letters: [3, 7] })).rejects.toThrow(BadFileError);
  });

  it("samples 1,000 words from Debian's list with no target among them", async () => {
    const words = await readDictionaryWords();
    expect(words).toHaveLength(1000);
    expect(words.some(soundsLikeTarget)).toBe(false);
  });
});
