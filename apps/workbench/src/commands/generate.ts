// `whittle generate speech`: synthesise a Speech Commands-layout dataset with espeak-ng and flite.

import { ConfigError } from '@whittle/datasets';
import { defineCommand } from '../cli/command.ts';
import { ensureSyntheticSpeech, synthConfigFor } from '../pipeline/data-stage.ts';
import { keywordSpotterPreset } from '../pipeline/keyword-spotter-config.ts';
import { DEFAULT_WORK_DIR, PRESET_OPTION, QUIET_OPTION, SEED_OPTION, seedFrom } from './common-options.ts';

export const generateCommand = defineCommand({
  spec: {
    name: 'generate',
    summary: 'Generate synthetic training data (speech: Speech Commands layout via espeak-ng + flite)',
    usage: 'whittle generate speech --out <dir> [--preset default|tiny] [--seed n]',
    options: {
      out: { kind: 'string', description: 'output folder (replaced when its config differs)', default: `${DEFAULT_WORK_DIR}/data` },
      preset: PRESET_OPTION,
      seed: SEED_OPTION,
      quiet: QUIET_OPTION,
    },
    examples: ['whittle generate speech --out data/kws --seed 7'],
  },
  async run(o, positionals, io) {
    const kind = positionals[0] ?? 'speech';
    if (kind !== 'speech') throw new ConfigError(`Unknown dataset kind '${kind}'. Supported: speech`);
    const synth = synthConfigFor(keywordSpotterPreset(o.preset ?? 'default'), seedFrom(o.seed));
    await ensureSyntheticSpeech(o.out as string, synth, io.reporter);
  },
});
