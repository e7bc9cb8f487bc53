// flite as a SpeechEngine: its voices crossed with f0/duration/speed variants, jittered per clip.

import { readFile, rm } from 'node:fs/promises';
import { decodeWav } from '../audio/decode-wav.ts';
import { ConfigError } from '../core/errors.ts';
import { runTool } from './run-tool.ts';
import { crossSpeakers, type SpeechEngine } from './speech-engine.ts';
import type { FliteVariant, SynthConfig } from './synth-config.ts';

export function createFliteEngine(config: SynthConfig, program = 'flite'): SpeechEngine {
  const variants = new Map<string, FliteVariant>(config.fliteVariants.map((v) => [v.name, v]));
  return {
    name: 'flite',

    async preflight() {
      // flite --version prints its banner and exits 1.
      const version = await runTool(program, ['--version'], { okExitCodes: [0, 1] });
      // flite also falls back silently for an unknown voice name.
      const listed = (await runTool(program, ['-lv'])).replace(/^.*?:/, '').trim().split(/\s+/);
      const missing = config.fliteVoices.find((v) => !listed.includes(v));
      if (missing !== undefined) throw new ConfigError(`flite has no voice '${missing}' (from 'fliteVoices'). Available: ${listed.join(', ')}`);
      return `flite ${/flite-(\d+(\.\d+)*)/.exec(version)?.[1] ?? 'unknown'}`;
    },

    speakers() {
      return crossSpeakers('flite', config.fliteVoices, config.fliteVariants.map((v) => v.name));
    },

    async synthesize(speaker, word, rng, scratchFile) {
      const variant = variants.get(speaker.variant) as FliteVariant;
      const stretch = variant.durationStretch * (1 + rng.uniform(-1, 1) * config.fliteDurationJitter);
      const f0 = variant.f0Shift * (1 + rng.uniform(-1, 1) * config.fliteF0Jitter);
      const args = ['-voice', speaker.voice, '--setf', `duration_stretch=${stretch.toFixed(4)}`, '--setf', `f0_shift=${f0.toFixed(4)}`, '-t', word, '-o', scratchFile];
      await runTool(program, args);
      const bytes = await readFile(scratchFile);
      await rm(scratchFile, { force: true });
      const wav = decodeWav(bytes, scratchFile);
      // Played back `speed` times faster: declare the rate higher and let resampling do the rest.
      return { samples: wav.samples, sampleRate: Math.round(wav.sampleRate * variant.speed) };
    },
  };
}
