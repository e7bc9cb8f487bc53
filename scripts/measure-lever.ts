// Lever A/B for issue 5: train the scratch student (no teacher) with some data, augmentation or training changes and
// print its unseen-engine (festival) accuracy per voice.
//
// Usage: npx tsx --tsconfig tsconfig.base.json scripts/measure-lever.ts <token>[+<token>...]   (writes /tmp/w/lever-<name>/)
// Tokens (combine with '+'; 'base' alone is the default recipe: since 0.1.7 the per-clip mean-normalised DS-CNN-S
// trained for 24 epochs and kept at its last, so 0.1.6's recipe is 'epochs-12' and 0.1.5's 'arch-ds-cnn-s+epochs-12+best'):
//   data:  more-flite (18 flite clips per word per speaker), flite-x5 (30), flite-x10 (60, the default), flite-x20 (120), us-accent (espeak-ng en-us and en-us-nyc only, 4x clips
//          each so the espeak share is unchanged), unknown-dict (1,000 wamerican words as _unknown_), unknown-dict-10 (and
//          10 of them per speaker instead of 5), espeak-prosody (espeak-ng SSML intonation per clip: pitch range -50%..+100%
//          and a '.', '!' or '?' ending)
//   aug:   voice, channel, voice-channel, voice-channel-4 (4 copies)
//   train: epochs-12, epochs-24, ls (label smoothing 0.1), mixup (p 0.5, alpha 0.4), ema (weight average, decay 0.999), ema-9995, last (keep the last epoch, no early stopping), best (the best validation epoch, early stopping), vtlp (frequency warp 0.9-1.1 on every row),
//          vtlp-wide (0.8-1.2), bins-40 (40 mel bins instead of 20), seed<N> (training seed: initialisation, shuffling, augmentation draws),
//          arch-<zoo model> (the student architecture, e.g. arch-ds-cnn-96)
// Data tokens generate their own dataset once under /tmp/w/data-<data tokens>/, shared by every seed. A scratch tool for
// this machine's layout: it reads the default job's caches under /work/main/.cache/keyword-spotter.
import { mkdirSync, symlinkSync, existsSync } from 'node:fs';
import { readDictionaryWords, resolveAugmentConfig, resolveFrontEndConfig, type AugmentConfig, type SynthConfig } from '@whittle/datasets';
import { resolveTrainConfig, type TrainConfig } from '@whittle/distill';
import { runTrainStage } from '../apps/workbench/src/pipeline/train-stage.ts';
import { DEFAULT_KEYWORD_SPOTTER_CONFIG } from '../apps/workbench/src/pipeline/keyword-spotter-config.ts';

const name = process.argv[2] ?? 'base';
const tokens = name.split('+').filter((t) => t !== 'base');
const base = DEFAULT_KEYWORD_SPOTTER_CONFIG.augment;
const spec = base.specAugment;

const DATA: Record<string, () => Promise<Partial<SynthConfig>>> = {
  'more-flite': async () => ({ fliteClipsPerWord: 18 }),
  'flite-x5': async () => ({ fliteClipsPerWord: 30 }),
  'flite-x10': async () => ({ fliteClipsPerWord: 60 }),
  'flite-x20': async () => ({ fliteClipsPerWord: 120 }),
  // The festival errors are American vowels taken for others (on→up, go→down); 6 of the 8 espeak accents are British.
  'us-accent': async () => ({ espeakVoices: ['en-us', 'en-us-nyc'], espeakClipsPerWord: 12 }),
  // 1,000 words from Debian's wamerican list instead of the built-in 60 (same 5 per speaker), and 10 per speaker.
  'unknown-dict': async () => ({ unknownWords: await readDictionaryWords() }),
  'unknown-dict-10': async () => ({ unknownWords: await readDictionaryWords(), unknownWordsPerSpeaker: 10 }),
  // espeak-ng otherwise gives every clip the statement contour of a bare word: vary intonation per clip (issue 5).
  'espeak-prosody': async () => ({ espeakProsody: { pitchRange: [-50, 100], endings: ['.', '!', '?'] } }),
};
const AUGMENT: Record<string, () => AugmentConfig> = {
  'voice-channel': () => resolveAugmentConfig({ preset: 'voice-channel', copies: base.copies, specAugment: spec }),
  voice: () => resolveAugmentConfig({ preset: 'voice-channel', copies: base.copies, specAugment: spec, reverb: { probability: 0 }, bandLimit: { probability: 0 }, gain: { probability: 0 }, clip: { probability: 0 } }),
  channel: () => resolveAugmentConfig({ preset: 'voice-channel', copies: base.copies, specAugment: spec, speed: { probability: 0 }, pitch: { probability: 0 } }),
  'voice-channel-4': () => resolveAugmentConfig({ preset: 'voice-channel', copies: 4, specAugment: spec }),
};
const TRAIN: Record<string, Partial<TrainConfig>> = {
  'epochs-12': { epochs: 12 },
  'epochs-24': { epochs: 24 },
  ls: { labelSmoothing: 0.1 },
  mixup: { mixup: { probability: 0.5, alpha: 0.4 } },
  ema: { weightAverageDecay: 0.999 },
  last: { keep: 'last-epoch' },
  best: { keep: 'best-validation' },
  'ema-9995': { weightAverageDecay: 0.9995 },
};
// VTLP frequency warp on every row, on top of the masks (the train stage takes SpecAugment from the augment config).
const WARP: Record<string, readonly [number, number]> = { vtlp: [0.9, 1.1], 'vtlp-wide': [0.8, 1.2] };

let synth: Partial<SynthConfig> = {};
let augment = base;
let train: Partial<TrainConfig> = { ...DEFAULT_KEYWORD_SPOTTER_CONFIG.train };
const dataTokens: string[] = [];
let warp: readonly [number, number] | undefined;
let frontEnd = DEFAULT_KEYWORD_SPOTTER_CONFIG.frontEnd;
for (const token of tokens) {
  const seed = /^seed(\d+)$/.exec(token)?.[1];
  const arch = /^arch-(.+)$/.exec(token)?.[1];
  if (seed !== undefined) train = { ...train, seed: Number(seed) };
  else if (arch !== undefined) train = { ...train, model: arch };
  else if (DATA[token] !== undefined) (synth = { ...synth, ...(await (DATA[token] as () => Promise<Partial<SynthConfig>>)()) }), dataTokens.push(token);
  else if (AUGMENT[token] !== undefined) augment = (AUGMENT[token] as () => AugmentConfig)();
  else if (TRAIN[token] !== undefined) train = { ...train, ...TRAIN[token] };
  else if (WARP[token] !== undefined) warp = WARP[token];
  // 40 mel bins: twice the frequency resolution where F1/F2 separate on/up and go/down; masks scaled with it.
  else if (token === 'bins-40') {
    frontEnd = resolveFrontEndConfig({ numMelBins: 40 });
    augment = { ...augment, specAugment: { ...augment.specAugment, maxFreqMaskBins: augment.specAugment.maxFreqMaskBins * 2 } };
  }
  else throw new Error(`unknown lever token '${token}'. Known: seed<N>, arch-<model>, ${[...Object.keys(DATA), ...Object.keys(AUGMENT), ...Object.keys(TRAIN), ...Object.keys(WARP)].join(', ')}`);
}
if (warp !== undefined) augment = { ...augment, specAugment: { ...augment.specAugment, freqWarp: { probability: 1, factor: warp } } };

const work = `/tmp/w/lever-${name}`;
mkdirSync(`${work}/run/roles`, { recursive: true });
if (!existsSync(`${work}/features`)) symlinkSync('/work/main/.cache/keyword-spotter/features', `${work}/features`);
const started = performance.now();
const reporter = { progress: () => undefined, info: (m: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0)}s] ${m}`), warn: (m: string) => console.log('WARN', m) };
const config = {
  ...DEFAULT_KEYWORD_SPOTTER_CONFIG,
  frontEnd,
  augment,
  train: resolveTrainConfig(train),
  distill: { ...DEFAULT_KEYWORD_SPOTTER_CONFIG.distill, teacher: { kind: 'none' as const } },
  generalization: { leaveOneEngineOut: [] },
};
let dataDir = '/work/main/.cache/keyword-spotter/data';
if (dataTokens.length > 0) {
  const { ensureSyntheticSpeech, synthConfigFor } = await import('../apps/workbench/src/pipeline/data-stage.ts');
  dataDir = `/tmp/w/data-${dataTokens.sort().join('+')}`;
  await ensureSyntheticSpeech(dataDir, { ...synthConfigFor(DEFAULT_KEYWORD_SPOTTER_CONFIG), ...synth }, reporter);
}
const record = await runTrainStage({ dataDir, runDir: `${work}/run`, unseenDir: '/work/main/.cache/keyword-spotter/unseen-festival', config, backend: 'wasm', reporter });
console.log(JSON.stringify({ lever: name, validation: record.training.bestValidationAccuracy, test: record.tfjsTest.accuracy, unseen: record.unseenEngine?.overall.accuracy, perVoice: record.unseenEngine?.perVoice, seconds: (performance.now() - started) / 1000 }));
