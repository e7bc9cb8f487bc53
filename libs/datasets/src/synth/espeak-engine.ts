// espeak-ng as a SpeechEngine: English accents crossed with voice variants, rate and pitch (and optionally
// SSML intonation) drawn per clip.

import { readFile, rm } from 'node:fs/promises';
import { decodeWav } from '../audio/decode-wav.ts';
import { ConfigError } from '../core/errors.ts';
import type { SeededRandom } from '../core/random.ts';
import { runTool } from './run-tool.ts';
import { crossSpeakers, type SpeechEngine } from './speech-engine.ts';
import type { EspeakProsody, SynthConfig } from './synth-config.ts';

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

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * The SSML text for one clip: `word` at a pitch range drawn from `prosody.pitchRange`, then a drawn clause ending
 * (outside the prosody element, as punctuation). Draws the range, then the ending.
 *
 * @example espeakProsodyText('go', { pitchRange: [40, 40], endings: ['?'] }, rng) // '<speak><prosody range="+40%">go</prosody>?</speak>'
 */
export function espeakProsodyText(word: string, prosody: EspeakProsody, rng: SeededRandom): string {
  const range = rng.int(prosody.pitchRange[0], prosody.pitchRange[1]);
  const ending = rng.pick(prosody.endings);
  // espeak-ng reads an unsigned percent as a fraction of the current range ("40%" is -60%, "0%" flat): always sign it.
  const percent = `${range < 0 ? '-' : '+'}${Math.abs(range)}%`;
  return `<speak><prosody range="${percent}">${word.replace(/[&<>]/g, (ch) => XML_ESCAPES[ch] as string)}</prosody>${ending}</speak>`;
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
      const args = ['-v', `${speaker.voice}+${speaker.variant}`, '-s', String(rate), '-p', String(pitch), '-w', scratchFile];
      // Without prosody: the plain word and no further draws, so presets keep their bytes.
      if (config.espeakProsody === undefined) args.push(word);
      else args.push('-m', espeakProsodyText(word, config.espeakProsody, rng));
      await runTool(program, args);
      const bytes = await readFile(scratchFile);
      await rm(scratchFile, { force: true });
      const wav = decodeWav(bytes, scratchFile);
      return { samples: wav.samples, sampleRate: wav.sampleRate };
    },
  };
}
