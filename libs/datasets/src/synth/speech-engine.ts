// The interface every speech synthesiser backend implements, and the speaker it synthesises as.

import type { SeededRandom } from '../core/random.ts';

/** festival is only ever used for held-out evaluation sets (see resolveSynthConfig). */
export type SynthEngineName = 'espeak' | 'flite' | 'festival';

/** One synthetic speaker: a voice with a variant. `id` names its files (`<id>_nohash_<k>.wav`). */
export interface SynthSpeaker {
  readonly id: string;
  readonly engine: SynthEngineName;
  readonly voice: string;
  readonly variant: string;
}

/** Raw synthesiser output: mono samples at whatever rate the engine produced. */
export interface SynthesizedWord {
  readonly samples: Float32Array;
  readonly sampleRate: number;
}

export interface SpeechEngine {
  readonly name: SynthEngineName;
  /** Check the program runs and every configured voice exists; returns e.g. 'espeak-ng 1.51'. */
  preflight(): Promise<string>;
  /** Every speaker the config asks of this engine, sorted by id. */
  speakers(): SynthSpeaker[];
  /**
   * Say `word` as `speaker`, drawing per-clip prosody from `rng`. `scratchFile` is a path the
   * engine may write its WAV to (tools cannot always write to a pipe).
   */
  synthesize(speaker: SynthSpeaker, word: string, rng: SeededRandom, scratchFile: string): Promise<SynthesizedWord>;
  /** Release what the engine keeps between clips (festival keeps processes open); safe to call twice. */
  close?(): Promise<void>;
}

/** Every voice crossed with every variant, as speakers `<engine>-<voice>-<variant>` (lower case), sorted by id. */
export function crossSpeakers(engine: SynthEngineName, voices: readonly string[], variants: readonly string[]): SynthSpeaker[] {
  const out: SynthSpeaker[] = [];
  for (const voice of voices) for (const variant of variants) out.push({ id: `${engine}-${voice}-${variant}`.toLowerCase(), engine, voice, variant });
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
