// Lever A/B for issue 5: train the scratch student (no teacher) with one augmentation or data change and print its unseen-engine (festival) accuracy per voice.
// Usage: npx tsx --tsconfig tsconfig.base.json scripts/measure-lever.ts base|voice-channel|voice|channel|voice-channel-4|more-flite|epochs-24|base-seed<N>   (writes /tmp/w/lever-<name>/)
import { mkdirSync, symlinkSync, existsSync, cpSync } from 'node:fs';
import { resolveAugmentConfig } from '@whittle/datasets';
import { resolveTrainConfig } from '@whittle/distill';
import { runTrainStage } from '../apps/workbench/src/pipeline/train-stage.ts';
import { DEFAULT_KEYWORD_SPOTTER_CONFIG } from '../apps/workbench/src/pipeline/keyword-spotter-config.ts';
const lever = process.argv[2] ?? 'base';
const base = DEFAULT_KEYWORD_SPOTTER_CONFIG.augment;
const spec = base.specAugment;
const augments: Record<string, unknown> = {
  base,
  'voice-channel': resolveAugmentConfig({ preset: 'voice-channel', copies: base.copies, specAugment: spec }),
  voice: resolveAugmentConfig({ preset: 'voice-channel', copies: base.copies, specAugment: spec, reverb: { probability: 0 }, bandLimit: { probability: 0 }, gain: { probability: 0 }, clip: { probability: 0 } }),
  channel: resolveAugmentConfig({ preset: 'voice-channel', copies: base.copies, specAugment: spec, speed: { probability: 0 }, pitch: { probability: 0 } }),
  'voice-channel-4': resolveAugmentConfig({ preset: 'voice-channel', copies: 4, specAugment: spec }),
};
const augment = (augments[lever] ?? base) as typeof base;
// base-seed<N>: the default recipe with another training seed (initialisation, shuffling, augmentation draws): the noise floor.
const seed = /^base-seed(\d+)$/.exec(lever)?.[1];
const train = resolveTrainConfig({ ...DEFAULT_KEYWORD_SPOTTER_CONFIG.train, ...(seed === undefined ? {} : { seed: Number(seed) }), ...(lever === 'epochs-24' ? { epochs: 24 } : {}) });
const work = `/tmp/w/lever-${lever}`;
mkdirSync(`${work}/run/roles`, { recursive: true });
if (!existsSync(`${work}/features`)) symlinkSync('/work/main/.cache/keyword-spotter/features', `${work}/features`);
if (lever === 'base' && !existsSync(`${work}/run/roles/scratch`)) cpSync('/work/main/.cache/keyword-spotter/run/roles/scratch', `${work}/run/roles/scratch`, { recursive: true });
const started = performance.now();
const reporter = { progress: () => undefined, info: (m: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0)}s] ${m}`), warn: (m: string) => console.log('WARN', m) };
const config = { ...DEFAULT_KEYWORD_SPOTTER_CONFIG, augment, train, distill: { ...DEFAULT_KEYWORD_SPOTTER_CONFIG.distill, teacher: { kind: 'none' as const } }, generalization: { leaveOneEngineOut: [] } };
let dataDir = '.cache/keyword-spotter/data';
if (lever === 'more-flite') {
  // Three times the flite (US English) clips per word: the festival errors are American vowels taken for others.
  const { ensureSyntheticSpeech, synthConfigFor } = await import('../apps/workbench/src/pipeline/data-stage.ts');
  dataDir = `${work}/data`;
  await ensureSyntheticSpeech(dataDir, { ...synthConfigFor(DEFAULT_KEYWORD_SPOTTER_CONFIG), fliteClipsPerWord: 18 }, reporter);
}
const record = await runTrainStage({ dataDir, runDir: `${work}/run`, unseenDir: '.cache/keyword-spotter/unseen-festival', config, backend: 'wasm', reporter });
console.log(JSON.stringify({ lever, validation: record.training.bestValidationAccuracy, test: record.tfjsTest.accuracy, unseen: record.unseenEngine?.overall.accuracy, perVoice: record.unseenEngine?.perVoice, seconds: (performance.now() - started) / 1000 }));
