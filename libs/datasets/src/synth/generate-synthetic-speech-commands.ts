// Generates a complete synthetic Speech Commands v2 folder with espeak-ng, flite and (held out) festival, deterministically per seed.

import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWav } from '../audio/encode-wav.ts';
import { resample } from '../audio/resample.ts';
import { writeDirAtomic } from '../core/atomic-write.ts';
import { WhittleError } from '../core/errors.ts';
import type { Reporter } from '../core/progress.ts';
import { SeededRandom } from '../core/random.ts';
import type { SpeechCommandsSplit } from '../speech-commands/hash-split.ts';
import { BACKGROUND_NOISE_DIR, KWS_LABELS, KWS_TARGET_WORDS, UNKNOWN_LABEL } from '../speech-commands/labels.ts';
import { createEspeakEngine } from './espeak-engine.ts';
import { createFestivalEngine } from './festival-engine.ts';
import { createFliteEngine } from './flite-engine.ts';
import { generateNoise } from './noise.ts';
import { renderClip, trimSilence, type ClipPlan } from './render-clip.ts';
import type { SpeechEngine, SynthEngineName, SynthSpeaker } from './speech-engine.ts';
import { splitSpeakers } from './split-speakers.ts';
import { resolveSynthConfig, type SynthConfig } from './synth-config.ts';

const SAMPLE_RATE = 16000;
const CLIP_SAMPLES = 16000;
const STAGE = 'synth speech';

/** Counts describing a generated folder (JSON-serialisable; stored in synth.json). */
export interface SynthSummary {
  /** Clip files written (background noise not included). */
  readonly clips: number;
  /** Clip files per KWS label; `_silence_` is 0 because it is cut from the background files at read time. */
  readonly perLabel: Readonly<Record<string, number>>;
  /** Clip files per word folder. */
  readonly perWord: Readonly<Record<string, number>>;
  /** Speakers per split (whole speakers are held out). */
  readonly speakers: Readonly<Record<SpeechCommandsSplit, number>>;
  /** Speakers per engine. */
  readonly speakersPerEngine: Readonly<Partial<Record<SynthEngineName, number>>>;
  /** Engines and versions used, e.g. 'espeak-ng 1.51'. */
  readonly engines: readonly string[];
  readonly backgroundNoise: { readonly files: number; readonly seconds: number };
  /** Wall-clock seconds the generation took. */
  readonly seconds: number;
}

export interface GenerateSynthOptions {
  /** Program paths, for machines where the tools live elsewhere (and for tests). */
  readonly tools?: { readonly espeak?: string; readonly flite?: string; readonly festival?: string };
}

interface ClipJob {
  readonly speaker: SynthSpeaker;
  readonly word: string;
  readonly k: number;
}

/** 32-bit FNV-1a of the parts: a stable per-clip seed, so clips do not depend on generation order. */
function seedOf(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0) as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function clipJobs(config: SynthConfig, speakers: readonly SynthSpeaker[]): ClipJob[] {
  const jobs: ClipJob[] = [];
  for (const speaker of speakers) {
    const perWord = { espeak: config.espeakClipsPerWord, flite: config.fliteClipsPerWord, festival: config.festivalClipsPerWord }[speaker.engine];
    for (const word of KWS_TARGET_WORDS) for (let k = 0; k < perWord; k++) jobs.push({ speaker, word, k });
    const unknown = new SeededRandom(seedOf(config.seed, speaker.id, UNKNOWN_LABEL)).shuffle(config.unknownWords).slice(0, config.unknownWordsPerSpeaker);
    for (const word of [...unknown].sort()) jobs.push({ speaker, word, k: 0 });
  }
  return jobs;
}

function drawPlan(config: SynthConfig, rng: SeededRandom): ClipPlan {
  const position = rng.uniform(config.offsetRange[0], config.offsetRange[1]);
  const peak = 10 ** (rng.uniform(config.peakDb[0], config.peakDb[1]) / 20);
  if (rng.next() < config.cleanFraction) return { position, peak };
  const kind = rng.pick(config.noiseKinds);
  const snrDb = rng.uniform(config.snrDb[0], config.snrDb[1]);
  return { position, peak, noise: { samples: generateNoise(kind, CLIP_SAMPLES, SAMPLE_RATE, rng), snrDb } };
}

async function renderJob(engine: SpeechEngine, job: ClipJob, config: SynthConfig, scratchFile: string): Promise<Uint8Array> {
  const rng = new SeededRandom(seedOf(config.seed, job.speaker.id, job.word, job.k));
  const said = await engine.synthesize(job.speaker, job.word, rng, scratchFile);
  const word = trimSilence(resample(said.samples, said.sampleRate, SAMPLE_RATE), SAMPLE_RATE);
  if (word.length === 0) {
    throw new WhittleError('BACKEND', `${engine.name} produced only silence for '${job.word}' as ${job.speaker.id}`, { hint: 'check the voice with the tool directly' });
  }
  return encodeWav(renderClip(word, CLIP_SAMPLES, drawPlan(config, rng)), SAMPLE_RATE);
}

/** Long noise recordings for the `_silence_` class: one kind per file, with a slowly wandering level. */
function backgroundNoise(config: SynthConfig, index: number): { name: string; samples: Float32Array } {
  const rng = new SeededRandom(seedOf(config.seed, BACKGROUND_NOISE_DIR, index));
  const kind = config.noiseKinds[index % config.noiseKinds.length] as (typeof config.noiseKinds)[number];
  const length = Math.round(rng.uniform(config.backgroundNoiseSeconds[0], config.backgroundNoiseSeconds[1]) * SAMPLE_RATE);
  const samples = generateNoise(kind, length, SAMPLE_RATE, rng);
  // Level points every 0.5 s, interpolated in dB: windows cut from one file differ in loudness.
  const step = SAMPLE_RATE / 2;
  const points = Array.from({ length: Math.ceil(length / step) + 2 }, () => rng.uniform(-24, 0));
  let peak = 0;
  for (let i = 0; i < length; i++) {
    const p = i / step;
    const j = Math.floor(p);
    const db = (points[j] as number) + ((points[j + 1] as number) - (points[j] as number)) * (p - j);
    samples[i] = (samples[i] as number) * 10 ** (db / 20);
    peak = Math.max(peak, Math.abs(samples[i] as number));
  }
  const target = 10 ** (rng.uniform(-20, -3) / 20);
  for (let i = 0; i < length; i++) samples[i] = ((samples[i] as number) * target) / peak;
  return { name: `${kind}_noise_${index}.wav`, samples };
}

/**
 * Run `worker` over `items` with at most `concurrency` in flight. The first failure stops new work;
 * in-flight items finish before it is rethrown, so nothing writes into a folder being cleaned up.
 */
async function runPool<T>(items: readonly T[], concurrency: number, worker: (item: T, slot: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async (_, slot) => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await worker(item, slot);
      } catch (error) {
        failure ??= { error };
      }
    }
  });
  await Promise.all(lanes);
  if (failure !== undefined) throw failure.error;
}

/**
 * Write a Speech Commands v2-layout folder at `outDir`: `<word>/<speaker>_nohash_<k>.wav` (16 kHz
 * mono pcm16, exactly 1 s), `_background_noise_/*.wav`, `validation_list.txt`, `testing_list.txt`
 * and, last, `synth.json` ({ config, summary }). Built in a temp sibling and renamed into place, so
 * `outDir` either does not exist or is complete. With `splits: 'all-testing'` every clip is listed
 * in `testing_list.txt`. Throws MissingToolError when espeak-ng, flite or festival is needed and
 * absent (MISSING_TOOL naming the package for a missing festival voice), and ALREADY_EXISTS when
 * `outDir` is a non-empty directory.
 *
 * @example await generateSyntheticSpeechCommands(TINY_SYNTH_CONFIG, 'data/speech', SILENT_REPORTER)
 */
export async function generateSyntheticSpeechCommands(
  wanted: SynthConfig,
  outDir: string,
  reporter: Reporter,
  options: GenerateSynthOptions = {},
): Promise<SynthSummary> {
  const started = performance.now();
  // Validate again: a hand-built config must not reach the tools, and synth.json records the resolved one.
  const config = resolveSynthConfig(wanted);
  const existing = await stat(outDir).catch(() => undefined);
  if (existing !== undefined && (!existing.isDirectory() || (await readdir(outDir)).length > 0)) {
    throw new WhittleError('ALREADY_EXISTS', `Output folder '${outDir}' already exists and is not empty`, { hint: 'remove it or choose another --out' });
  }

  const engines: SpeechEngine[] = [];
  if (config.espeakVoices.length > 0 && config.espeakVariants.length > 0) engines.push(createEspeakEngine(config, options.tools?.espeak));
  if (config.fliteVoices.length > 0 && config.fliteVariants.length > 0) engines.push(createFliteEngine(config, options.tools?.flite));
  if (config.festivalVoices.length > 0 && config.festivalVariants.length > 0) engines.push(createFestivalEngine(config, options.tools?.festival));
  try {
    return await generateWith(config, engines, outDir, reporter, started);
  } finally {
    await Promise.all(engines.map((e) => e.close?.()));
  }
}

/** The generation proper, with engines the caller closes afterwards (festival keeps processes open). */
async function generateWith(config: SynthConfig, engines: readonly SpeechEngine[], outDir: string, reporter: Reporter, started: number): Promise<SynthSummary> {
  const versions: string[] = [];
  for (const engine of engines) versions.push(await engine.preflight());
  const byName = new Map(engines.map((e) => [e.name, e]));

  const speakers = engines.flatMap((e) => e.speakers());
  const splits: Map<string, SpeechCommandsSplit> =
    config.splits === 'all-testing'
      ? new Map(speakers.map((s) => [s.id, 'testing']))
      : splitSpeakers(speakers, config.validationSpeakerFraction, config.testingSpeakerFraction, config.seed);
  const jobs = clipJobs(config, speakers);
  reporter.info(`${STAGE}: ${jobs.length} clips from ${speakers.length} speakers (${versions.join(', ')}) into ${outDir}`);

  let summary: SynthSummary | undefined;
  await writeDirAtomic(outDir, async (tmp) => {
    const scratch = join(tmp, '.scratch');
    await mkdir(scratch, { recursive: true });
    for (const word of new Set(jobs.map((j) => j.word))) await mkdir(join(tmp, word));
    const progressEvery = Math.max(1, Math.floor(jobs.length / 200));
    let done = 0;
    reporter.progress({ stage: STAGE, done, total: jobs.length });
    await runPool(jobs, config.concurrency, async (job, slot) => {
      const engine = byName.get(job.speaker.engine) as SpeechEngine;
      const bytes = await renderJob(engine, job, config, join(scratch, `${slot}.wav`));
      await writeFile(join(tmp, job.word, `${job.speaker.id}_nohash_${job.k}.wav`), bytes);
      done++;
      if (done % progressEvery === 0 || done === jobs.length) reporter.progress({ stage: STAGE, done, total: jobs.length, detail: job.speaker.id });
    });
    await rm(scratch, { recursive: true, force: true });

    let noiseSeconds = 0;
    await mkdir(join(tmp, BACKGROUND_NOISE_DIR));
    for (let i = 0; i < config.backgroundNoiseFiles; i++) {
      const noise = backgroundNoise(config, i);
      await writeFile(join(tmp, BACKGROUND_NOISE_DIR, noise.name), encodeWav(noise.samples, SAMPLE_RATE));
      noiseSeconds += noise.samples.length / SAMPLE_RATE;
    }

    const listed = (split: SpeechCommandsSplit) =>
      jobs
        .filter((j) => splits.get(j.speaker.id) === split)
        .map((j) => `${j.word}/${j.speaker.id}_nohash_${j.k}.wav`)
        .sort()
        .map((line) => `${line}\n`)
        .join('');
    await writeFile(join(tmp, 'validation_list.txt'), listed('validation'));
    await writeFile(join(tmp, 'testing_list.txt'), listed('testing'));

    const perWord: Record<string, number> = {};
    for (const j of jobs) perWord[j.word] = (perWord[j.word] ?? 0) + 1;
    const perLabel: Record<string, number> = Object.fromEntries(KWS_LABELS.map((l) => [l, 0]));
    for (const j of jobs) {
      const label = KWS_TARGET_WORDS.includes(j.word) ? j.word : UNKNOWN_LABEL;
      perLabel[label] = (perLabel[label] ?? 0) + 1;
    }
    const countSplit = (split: SpeechCommandsSplit) => speakers.filter((s) => splits.get(s.id) === split).length;
    const speakersPerEngine: Partial<Record<SynthEngineName, number>> = {};
    for (const s of speakers) speakersPerEngine[s.engine] = (speakersPerEngine[s.engine] ?? 0) + 1;
    summary = {
      clips: jobs.length,
      perLabel,
      perWord: Object.fromEntries(Object.entries(perWord).sort(([a], [b]) => (a < b ? -1 : 1))),
      speakers: { training: countSplit('training'), validation: countSplit('validation'), testing: countSplit('testing') },
      speakersPerEngine,
      engines: versions,
      backgroundNoise: { files: config.backgroundNoiseFiles, seconds: Math.round(noiseSeconds * 1000) / 1000 },
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    // Last: its presence marks a complete dataset made from exactly this config.
    await writeFile(join(tmp, 'synth.json'), `${JSON.stringify({ config, summary }, null, 2)}\n`);
  });
  reporter.info(`${STAGE}: ${jobs.length} clips in ${(summary as SynthSummary).seconds} s`);
  return summary as SynthSummary;
}
