// More `_unknown_` words: a seeded sample of short words from a system word list (Debian's wamerican).

import { readFile } from 'node:fs/promises';
import { BadFileError, ConfigError } from '../core/errors.ts';
import { SeededRandom } from '../core/random.ts';
import { KWS_TARGET_WORDS } from '../speech-commands/labels.ts';

/** Where Debian's `wamerican` package puts its word list. */
export const DEBIAN_AMERICAN_WORD_LIST = '/usr/share/dict/american-english';

/**
 * Words that sound like a target word, or are a target plus an inflection a 1-second clip cannot tell apart from it
 * ("goes" is "go" with a hiss). Labelled `_unknown_` they would teach the model that the target is not itself.
 */
const SOUNDS_LIKE_A_TARGET: ReadonlySet<string> = new Set(['know', 'knows', 'noh', 'nos', 'write', 'rite', 'wright', 'writ', 'awn', 'ups', 'upped', 'yeses']);
const TARGET_INFLECTIONS = ['s', 'es', 'ed', 'ing', 'ped', 'ping', 'pped', 'pping', 'er', 'ers'];

export interface DictionaryWordsOptions {
  /** How many words to keep. */
  readonly count: number;
  /** Same seed and list, same words. */
  readonly seed: number;
  /** Shortest and longest word, in letters (short words are what a keyword spotter hears around its targets). */
  readonly letters: readonly [number, number];
}

export const DEFAULT_DICTIONARY_WORDS_OPTIONS: DictionaryWordsOptions = Object.freeze({ count: 1000, seed: 1, letters: Object.freeze([3, 7]) as readonly [number, number] });

/** True for a target word, a homophone of one, or a target with an inflection (go → goes, going). */
export function soundsLikeTarget(word: string): boolean {
  if (KWS_TARGET_WORDS.includes(word) || SOUNDS_LIKE_A_TARGET.has(word)) return true;
  return KWS_TARGET_WORDS.some((t) => TARGET_INFLECTIONS.some((suffix) => word === t + suffix));
}

/**
 * `options.count` distinct words from a word list's text (one per line), lowercase letters only and
 * `options.letters` long with a vowel letter (proper nouns, possessives, accented words and abbreviations are dropped), none that sounds like a target,
 * sampled without replacement by `options.seed`, returned sorted.
 */
export function sampleDictionaryWords(listText: string, options: DictionaryWordsOptions = DEFAULT_DICTIONARY_WORDS_OPTIONS, source = 'word list'): string[] {
  const [min, max] = options.letters;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min) {
    throw new ConfigError(`Argument 'letters' passed to 'sampleDictionaryWords' must be integers [min, max] with 1 ≤ min ≤ max; got ${JSON.stringify(options.letters)}`);
  }
  if (!Number.isInteger(options.count) || options.count < 1) throw new ConfigError(`Argument 'count' passed to 'sampleDictionaryWords' must be an integer ≥ 1; got ${options.count}`);
  const shape = new RegExp(`^[a-z]{${min},${max}}$`);
  // A vowel letter keeps abbreviations such as 'advt' out: a TTS engine spells those letter by letter.
  const candidates = [...new Set(listText.split('\n').map((line) => line.trim()))].filter((w) => shape.test(w) && /[aeiouy]/.test(w) && !soundsLikeTarget(w)).sort();
  if (candidates.length < options.count) {
    throw new BadFileError(source, `has ${candidates.length} usable words of ${min}-${max} lowercase letters; ${options.count} were asked for`);
  }
  return new SeededRandom(options.seed).shuffle(candidates).slice(0, options.count).sort();
}

/** sampleDictionaryWords() over a word-list file; a missing file says which Debian package provides it. */
export async function readDictionaryWords(path = DEBIAN_AMERICAN_WORD_LIST, options: DictionaryWordsOptions = DEFAULT_DICTIONARY_WORDS_OPTIONS): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new BadFileError(path, 'does not exist', "install Debian's word list: apt-get install wamerican (scripts/setup.sh does)");
    throw error;
  });
  return sampleDictionaryWords(text, options, path);
}
