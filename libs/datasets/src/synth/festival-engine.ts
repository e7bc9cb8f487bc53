// festival as a SpeechEngine: its English voices crossed with f0/duration/speed variants, jittered per clip.

import { readFile, rm } from 'node:fs/promises';
import { decodeWav } from '../audio/decode-wav.ts';
import { WhittleError } from '../core/errors.ts';
import { FESTIVAL_TOOLS_HINT, FestivalSession } from './festival-session.ts';
import { runTool } from './run-tool.ts';
import { crossSpeakers, type SpeechEngine } from './speech-engine.ts';
import { FESTIVAL_VOICE_PACKAGES, type FestivalVariant, type SynthConfig } from './synth-config.ts';

/**
 * Scheme every session loads once. `whittle_vary` applies a variant on top of the voice just
 * selected (selecting a voice resets every parameter, so nothing leaks between clips):
 * - Duration_Stretch scales diphone voices' segment durations; HTS ignores it, so the same factor
 *   goes to hts_engine as its speech rate (`-r`, >1 faster, hence the inverse).
 * - int_lr_params' target f0 mean and spread scale diphone voices' pitch; festival passes no pitch
 *   option to hts_engine, so HTS voices keep their own (the variant's `speed` still moves it).
 * New lists are built rather than edited in place: the voices keep their defaults in quoted constants.
 */
const PRELUDE = `
(define (whittle_scale_f0 params f0)
  (mapcar
   (lambda (p) (if (or (eq? (car p) 'target_f0_mean) (eq? (car p) 'target_f0_std)) (list (car p) (* f0 (car (cdr p)))) p))
   params))
(define (whittle_vary stretch f0)
  (Parameter.set 'Duration_Stretch (* stretch (or (Parameter.get 'Duration_Stretch) 1)))
  (set! int_lr_params (whittle_scale_f0 int_lr_params f0))
  (if (eq? 'HTS (Parameter.get 'Synth_Method))
      (set! hts_engine_params (append hts_engine_params (list (list "-r" (/ 1 stretch)))))))
`;

/** A Scheme string literal. */
function schemeString(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

/** The voice names `festival -b '(voice.list)'` prints, e.g. `(cmu_us_slt_arctic_hts kal_diphone)`. */
function parseVoiceList(output: string): string[] {
  const list = /\(([^()]*)\)/.exec(output)?.[1] ?? '';
  return list.split(/\s+/).filter((v) => v.length > 0);
}

/**
 * The festival engine. It keeps one `festival --pipe` process per concurrent synthesize() call,
 * reused across clips; close() ends them (the generator calls it when done).
 */
export function createFestivalEngine(config: SynthConfig, program = 'festival'): SpeechEngine {
  const variants = new Map<string, FestivalVariant>(config.festivalVariants.map((v) => [v.name, v]));
  const idle: FestivalSession[] = [];
  const open = new Set<FestivalSession>();

  async function withSession<T>(work: (session: FestivalSession) => Promise<T>): Promise<T> {
    const session = idle.pop() ?? new FestivalSession(program, PRELUDE);
    open.add(session);
    try {
      return await work(session);
    } finally {
      // A session that died (or timed out and was killed) is not reused; the next call starts a fresh one.
      if (session.alive) idle.push(session);
      else open.delete(session);
    }
  }

  return {
    name: 'festival',

    async preflight() {
      const version = await runTool(program, ['--version'], { hint: FESTIVAL_TOOLS_HINT });
      // Selecting an unknown voice is only a SIOD error per clip, so check every voice up front.
      const installed = parseVoiceList(await runTool(program, ['-b', '(format t "%l\\n" (voice.list))'], { hint: FESTIVAL_TOOLS_HINT }));
      const missing = config.festivalVoices.find((v) => !installed.includes(v));
      if (missing !== undefined) {
        throw new WhittleError('MISSING_TOOL', `festival voice '${missing}' (from 'festivalVoices') is not installed. Installed: ${installed.join(', ') || 'none'}`, {
          hint: `apt-get install ${FESTIVAL_VOICE_PACKAGES[missing] ?? 'the festvox package of that voice'}`,
        });
      }
      return `festival ${/(\d+\.\d+(\.\d+)*)/.exec(version)?.[1] ?? 'unknown'}`;
    },

    speakers() {
      return crossSpeakers('festival', config.festivalVoices, config.festivalVariants.map((v) => v.name));
    },

    async synthesize(speaker, word, rng, scratchFile) {
      const variant = variants.get(speaker.variant) as FestivalVariant;
      const stretch = variant.durationStretch * (1 + rng.uniform(-1, 1) * config.festivalDurationJitter);
      const f0 = variant.f0Shift * (1 + rng.uniform(-1, 1) * config.festivalF0Jitter);
      // Voice names are checked against FESTIVAL_VOICE_PACKAGES, so `voice_<name>` is a plain symbol.
      const script =
        `(voice_${speaker.voice})\n(whittle_vary ${stretch.toFixed(4)} ${f0.toFixed(4)})\n` +
        `(utt.save.wave (utt.synth (Utterance Text ${schemeString(word)})) ${schemeString(scratchFile)} 'riff)`;
      const said = await withSession((session) => session.run(script));
      if (said.includes('SIOD ERROR')) {
        throw new WhittleError('BACKEND', `festival failed to say '${word}' as ${speaker.id}: ${said.slice(0, 500)}`, { hint: 'run the same voice in `festival` by hand to see why' });
      }
      const bytes = await readFile(scratchFile);
      await rm(scratchFile, { force: true });
      const wav = decodeWav(bytes, scratchFile);
      // Played back `speed` times faster: declare the rate higher and let resampling do the rest.
      return { samples: wav.samples, sampleRate: Math.round(wav.sampleRate * variant.speed) };
    },

    async close() {
      const sessions = [...open];
      open.clear();
      idle.length = 0;
      await Promise.all(sessions.map((s) => s.close()));
    },
  };
}
