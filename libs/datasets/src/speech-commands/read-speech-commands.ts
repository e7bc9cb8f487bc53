// Indexes a folder in the Speech Commands v2 layout into labelled, split clip entries (12 KWS classes).

import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseWavLayout } from '../audio/decode-wav.ts';
import { readWavBytes } from '../audio/wav-file.ts';
import { ConfigError, WhittleError } from '../core/errors.ts';
import { SeededRandom } from '../core/random.ts';
import { hashSplit, speakerOf, type SpeechCommandsSplit } from './hash-split.ts';
import { BACKGROUND_NOISE_DIR, KWS_LABELS, KWS_TARGET_WORDS, SILENCE_LABEL, UNKNOWN_LABEL } from './labels.ts';

/** One clip (or one 1 s window of a background-noise file) with its class and split. */
export interface SpeechCommandsEntry {
  /** File path joined onto the folder passed in. */
  readonly path: string;
  /** Folder name: the spoken word, or `_background_noise_` for silence windows. */
  readonly word: string;
  /** KWS class: the word itself for the ten targets, else `_unknown_` / `_silence_`. */
  readonly label: string;
  /** Index of `label` in KWS_LABELS. */
  readonly labelIndex: number;
  readonly split: SpeechCommandsSplit;
  /** File name up to `_nohash_`; the noise file's name for silence windows. */
  readonly speaker: string;
  /** First sample of the window at 16 kHz (silence windows only). */
  readonly offset?: number;
}

export interface ReadSpeechCommandsOptions {
  /** Put every clip in 'testing' (evaluating on a folder that has no split lists). Default false. */
  readonly allClipsAsTest?: boolean;
  /** Seeds the `_unknown_` subsample and the silence windows. Default 0. */
  readonly seed?: number;
  /** 'balanced' (default): keep about as many `_unknown_` clips per split as a mean target word has. */
  readonly unknownPerSplit?: 'balanced' | 'all';
  /**
   * `_silence_` clips per split: 'balanced' (default) makes about as many as a mean target word
   * has; a number asks for exactly that many in every split that has clips (0 for none).
   */
  readonly silencePerSplit?: 'balanced' | number;
}

/** The index of a Speech Commands folder. */
export interface SpeechCommandsIndex {
  readonly dir: string;
  /** Sorted by path, then offset. */
  readonly entries: SpeechCommandsEntry[];
  /** Where the splits came from: the folder's lists, TensorFlow's hash rule, or everything as test. */
  readonly splitSource: 'lists' | 'hash' | 'all-test';
  /** Word folders found, sorted. */
  readonly words: readonly string[];
  /** Background-noise files the silence windows are cut from. */
  readonly backgroundNoise: readonly string[];
}

/** Silence windows are one 16 kHz clip long, the model's input. */
const SILENCE_RATE = 16000;
const SILENCE_SAMPLES = 16000;
const SPLITS: readonly SpeechCommandsSplit[] = ['training', 'validation', 'testing'];
// Each noise file's timeline is cut into disjoint stretches, one per split, in these proportions
// (TensorFlow's 80/10/10), so no noise sample is heard in two splits.
const SILENCE_REGION: Readonly<Record<SpeechCommandsSplit, readonly [number, number]>> = {
  training: [0, 0.8],
  validation: [0.8, 0.9],
  testing: [0.9, 1],
};
const LAYOUT_HINT = 'expected <dir>/<word>/<speaker>_nohash_<n>.wav with folders for yes, no, up, down, left, right, on, off, stop, go';

function labelOf(word: string): string {
  if (KWS_TARGET_WORDS.includes(word)) return word;
  return word === SILENCE_LABEL ? SILENCE_LABEL : UNKNOWN_LABEL;
}

function compareEntries(a: SpeechCommandsEntry, b: SpeechCommandsEntry): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return (a.offset ?? -1) - (b.offset ?? -1);
}

function validateOptions(options: ReadSpeechCommandsOptions): Required<ReadSpeechCommandsOptions> {
  const resolved = { allClipsAsTest: false, seed: 0, unknownPerSplit: 'balanced', silencePerSplit: 'balanced', ...options } as const;
  if (!Number.isInteger(resolved.seed)) throw new ConfigError(`Argument 'seed' passed to 'readSpeechCommands' must be an integer; got ${resolved.seed}`);
  if (resolved.unknownPerSplit !== 'balanced' && resolved.unknownPerSplit !== 'all') {
    throw new ConfigError(`Argument 'unknownPerSplit' passed to 'readSpeechCommands' must be 'balanced' or 'all'; got '${String(resolved.unknownPerSplit)}'`);
  }
  const silence = resolved.silencePerSplit;
  if (silence !== 'balanced' && !(typeof silence === 'number' && Number.isInteger(silence) && silence >= 0)) {
    throw new ConfigError(`Argument 'silencePerSplit' passed to 'readSpeechCommands' must be 'balanced' or an integer >= 0; got ${JSON.stringify(silence)}`);
  }
  return resolved;
}

async function listDir(dir: string): Promise<Dirent[]> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new WhittleError('NOT_FOUND', `Speech Commands folder '${dir}' ${info === undefined ? 'does not exist' : 'is not a directory'}; ${LAYOUT_HINT}`, {
      hint: 'generate one with `whittle generate speech` or download speech_commands_v0.02',
    });
  }
  return readdir(dir, { withFileTypes: true });
}

async function readList(path: string): Promise<Set<string> | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  return new Set(text.split(/\r?\n/).map((l) => l.trim().replace(/\\/g, '/')).filter((l) => l.length > 0));
}

/**
 * Index a Speech Commands v2 folder: ten target words keep their labels, other word folders become
 * `_unknown_` (subsampled per split), `_silence_` is 1 s windows of `_background_noise_/*.wav`.
 * Splits come from validation_list.txt / testing_list.txt when present, else TensorFlow's hash rule.
 *
 * @example const { entries } = await readSpeechCommands('data/speech', { seed: 1 })
 */
export async function readSpeechCommands(dir: string, options: ReadSpeechCommandsOptions = {}): Promise<SpeechCommandsIndex> {
  const opts = validateOptions(options);
  const top = await listDir(dir);
  const words = top
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && (!d.name.startsWith('_') || d.name === UNKNOWN_LABEL || d.name === SILENCE_LABEL))
    .map((d) => d.name)
    .sort();
  const targetsPresent = KWS_TARGET_WORDS.filter((w) => words.includes(w));
  if (targetsPresent.length === 0) {
    const found = words.length === 0 ? 'no word folders' : `only ${words.slice(0, 8).join(', ')}${words.length > 8 ? ', ...' : ''}`;
    throw new WhittleError('NOT_FOUND', `Speech Commands folder '${dir}' has none of the ten keyword folders (found ${found}); ${LAYOUT_HINT}`);
  }

  const validationList = opts.allClipsAsTest ? undefined : await readList(join(dir, 'validation_list.txt'));
  const testingList = opts.allClipsAsTest ? undefined : await readList(join(dir, 'testing_list.txt'));
  const splitSource = opts.allClipsAsTest ? 'all-test' : validationList !== undefined || testingList !== undefined ? 'lists' : 'hash';
  const splitOf = (rel: string): SpeechCommandsSplit => {
    if (splitSource === 'all-test') return 'testing';
    if (splitSource === 'lists') return validationList?.has(rel) ? 'validation' : testingList?.has(rel) ? 'testing' : 'training';
    return hashSplit(rel);
  };

  const clips: SpeechCommandsEntry[] = [];
  for (const word of words) {
    const label = labelOf(word);
    const files = (await readdir(join(dir, word), { withFileTypes: true })).filter((f) => f.isFile() && /\.wav$/i.test(f.name)).map((f) => f.name);
    for (const file of files) {
      const rel = `${word}/${file}`;
      clips.push({ path: join(dir, word, file), word, label, labelIndex: KWS_LABELS.indexOf(label), split: splitOf(rel), speaker: speakerOf(file) });
    }
  }
  clips.sort(compareEntries);

  const activeSplits = opts.allClipsAsTest ? (['testing'] as const) : SPLITS;
  const meanTarget = (split: SpeechCommandsSplit) => clips.filter((e) => e.split === split && KWS_TARGET_WORDS.includes(e.label)).length / targetsPresent.length;

  const entries = clips.filter((e) => e.label !== UNKNOWN_LABEL);
  for (const [i, split] of activeSplits.entries()) {
    const unknown = clips.filter((e) => e.split === split && e.label === UNKNOWN_LABEL);
    const keep = opts.unknownPerSplit === 'all' ? unknown.length : Math.min(unknown.length, Math.round(meanTarget(split)));
    // Shuffle a sorted list with a per-split stream: the same folder and seed pick the same clips.
    entries.push(...new SeededRandom(opts.seed * 7919 + i + 1).shuffle(unknown).slice(0, keep));
  }

  const noiseDir = join(dir, BACKGROUND_NOISE_DIR);
  const backgroundNoise = top.some((d) => d.isDirectory() && d.name === BACKGROUND_NOISE_DIR)
    ? (await readdir(noiseDir, { withFileTypes: true })).filter((f) => f.isFile() && /\.wav$/i.test(f.name)).map((f) => join(noiseDir, f.name)).sort()
    : [];
  const noiseLengths = await Promise.all(backgroundNoise.map(async (path) => lengthAt16k(path)));
  for (const [i, split] of activeSplits.entries()) {
    if (!clips.some((e) => e.split === split)) continue;
    const want = opts.silencePerSplit === 'balanced' ? Math.round(meanTarget(split)) : opts.silencePerSplit;
    const have = clips.filter((e) => e.split === split && e.label === SILENCE_LABEL).length;
    const region = opts.allClipsAsTest ? ([0, 1] as const) : SILENCE_REGION[split];
    entries.push(...silenceWindows(backgroundNoise, noiseLengths, region, Math.max(0, want - have), split, new SeededRandom(opts.seed * 7919 + 101 + i)));
  }

  entries.sort(compareEntries);
  return { dir, entries, splitSource, words, backgroundNoise };
}

async function lengthAt16k(path: string): Promise<number> {
  const layout = parseWavLayout(await readWavBytes(path), path);
  return Math.floor((layout.frames * SILENCE_RATE) / layout.sampleRate);
}

/** `count` 1 s windows drawn inside each file's stretch for this split, files weighted by stretch length. */
function silenceWindows(
  files: readonly string[],
  lengths: readonly number[],
  region: readonly [number, number],
  count: number,
  split: SpeechCommandsSplit,
  rng: SeededRandom,
): SpeechCommandsEntry[] {
  const spans = files
    .map((path, i) => {
      const length = lengths[i] as number;
      const start = Math.floor(length * region[0]);
      const end = Math.floor(length * region[1]);
      return { path, start, positions: end - start - SILENCE_SAMPLES + 1 };
    })
    .filter((s) => s.positions > 0);
  const total = spans.reduce((sum, s) => sum + s.positions, 0);
  const out: SpeechCommandsEntry[] = [];
  if (total === 0) return out;
  const labelIndex = KWS_LABELS.indexOf(SILENCE_LABEL);
  for (let k = 0; k < count; k++) {
    // One uniform draw over all window positions: longer files give proportionally more windows.
    let r = Math.floor(rng.next() * total);
    let span = spans[0] as (typeof spans)[number];
    for (const s of spans) {
      span = s;
      if (r < s.positions) break;
      r -= s.positions;
    }
    out.push({ path: span.path, word: BACKGROUND_NOISE_DIR, label: SILENCE_LABEL, labelIndex, split, speaker: basename(span.path).replace(/\.wav$/i, ''), offset: span.start + r });
  }
  return out;
}
