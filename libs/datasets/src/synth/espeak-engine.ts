// espeak-ng as a SpeechEngine: English accents crossed with voice variants, rate and pitch drawn per clip.

import { readFile, rm } from 'node:fs/promises';
import { decodeWav } from '../audio/decode-wav.ts';
import { ConfigError } from '../core/errors.ts';
import { runTool } from './run-tool.ts';
import { crossSpeakers, type SpeechEngine } from './speech-engine.ts';
import type { SynthConfig } from './synth-config.ts';

/** Column `column` of each row of an `espeak-ng --voices` table (header dropped). */
function voiceTableColumn(table: string, column: number): Set<string> {
  return new Set(
    table
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[column])
      .filter((v): v is string => v !== undefined && v.length > 0),
  );
}

export function createEspeakEngine(config: SynthConfig, program = 'espeak-ng'): SpeechEngine {
  return {
    name: 'espeak',

    async preflight() {
      const version = await runTool(program, ['--version']);
      const table = await runTool(program, ['--voices']);
      // A voice is reachable by its language and by the aliases in the last column, e.g. '(en 2)'.
      const languages = new Set([...voiceTableColumn(table, 1), ...[...table.matchAll(/\(([a-z0-9-]+) \d+\)/gi)].map((m) => m[1] as string)]);
      const variants = new Set([...voiceTableColumn(await runTool(program, ['--voices=variant']), 4)].map((f) => f.replace(/^!v\//, '')));
      // espeak-ng silently falls back to its default for an unknown variant, so check up front.
      for (const voice of config.espeakVoices) {
        if (!languages.has(voice)) {
          throw new ConfigError(`espeak-ng has no voice '${voice}' (from 'espeakVoices'). English ones: ${[...languages].filter((l) => l.startsWith('en')).join(', ')}`);
        }
      }
      for (const variant of config.espeakVariants) {
        if (!variants.has(variant)) throw new ConfigError(`espeak-ng has no variant '${variant}' (from 'espeakVariants'). Available: ${[...variants].sort().join(', ')}`);
      }
      return `espeak-ng ${/\d+(\.\d+)+/.exec(version)?.[0] ?? 'unknown'}`;
    },

    speakers() {
      return crossSpeakers('espeak', config.espeakVoices, config.espeakVariants);
    },

    async synthesize(speaker, word, rng, scratchFile) {
      const rate = rng.int(config.espeakRate[0], config.espeakRate[1]);
      const pitch = rng.int(config.espeakPitch[0], config.espeakPitch[1]);
      await runTool(program, ['-v', `${speaker.voice}+${speaker.variant}`, '-s', String(rate), '-p', String(pitch), '-w', scratchFile, word]);
      const bytes = await readFile(scratchFile);
      await rm(scratchFile, { force: true });
      const wav = decodeWav(bytes, scratchFile);
      return { samples: wav.samples, sampleRate: wav.sampleRate };
    },
  };
}
