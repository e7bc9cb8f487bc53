// `whittle generate speech|unseen`: synthesise the training dataset (espeak-ng + flite) or the unseen-engine test set (festival).

import { ConfigError } from '@whittle/datasets';
import { defineCommand } from '../cli/command.ts';
import { ensureSyntheticSpeech, synthConfigFor, unseenSynthConfigFor } from '../pipeline/data-stage.ts';
import { keywordSpotterPreset } from '../pipeline/keyword-spotter-config.ts';
import { DEFAULT_WORK_DIR, PRESET_OPTION, QUIET_OPTION, SEED_OPTION, seedFrom } from './common-options.ts';

export const generateCommand = defineCommand({
  spec: {
    name: 'generate',
    summary: 'Generate synthetic data in the Speech Commands layout: speech (training, espeak-ng + flite) or unseen (test only, festival)',
    usage: 'whittle generate speech|unseen --out <dir> [--preset default|tiny] [--seed n]',
    options: {
      out: { kind: 'string', description: `output folder (replaced when its config differs); default ${DEFAULT_WORK_DIR}/data, or ${DEFAULT_WORK_DIR}/unseen-festival for unseen` },
      preset: PRESET_OPTION,
      seed: SEED_OPTION,
      quiet: QUIET_OPTION,
    },
    examples: ['whittle generate speech --out data/kws --seed 7', 'whittle generate unseen   # festival voices, every clip a test clip'],
  },
  async run(o, positionals, io) {
    const kind = positionals[0] ?? 'speech';
    if (kind !== 'speech' && kind !== 'unseen') throw new ConfigError(`Unknown dataset kind '${kind}'. Supported: speech, unseen`);
    const preset = keywordSpotterPreset(o.preset ?? 'default');
    if (kind === 'unseen') {
      const seed = seedFrom(o.seed);
      const synth = unseenSynthConfigFor(preset);
      await ensureSyntheticSpeech(o.out ?? `${DEFAULT_WORK_DIR}/unseen-festival`, seed === undefined ? synth : { ...synth, seed }, io.reporter);
      return;
    }
    await ensureSyntheticSpeech(o.out ?? `${DEFAULT_WORK_DIR}/data`, synthConfigFor(preset, seedFrom(o.seed)), io.reporter);
  },
});
