// espeak engine: the arguments it passes and the rng draws it makes, with and without SSML prosody, checked with a
// recording stand-in for espeak-ng and against the real program (a few one-word clips).
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../audio/decode-wav.ts';
import { encodeWav } from '../audio/encode-wav.ts';
import { SeededRandom } from '../core/random.ts';
import { createEspeakEngine, espeakProsodyText } from './espeak-engine.ts';
import type { SynthSpeaker, SynthesizedWord } from './speech-engine.ts';
import { resolveSynthConfig, type EspeakProsody, type SynthConfig } from './synth-config.ts';

const run = promisify(execFile);
const SPEAKER: SynthSpeaker = { id: 'espeak-en-us-m3', engine: 'espeak', voice: 'en-us', variant: 'm3' };

/** f0 (Hz) of each voiced 40 ms frame: normalised autocorrelation peak in 60-400 Hz, kept when > 0.6. */
function pitchTrack(w: SynthesizedWord): number[] {
  const x = w.samples;
  const rate = w.sampleRate;
  const n = Math.round(0.04 * rate);
  const hop = Math.round(0.01 * rate);
  const minLag = Math.floor(rate / 400);
  const maxLag = Math.ceil(rate / 60);
  const energy = (s: number) => {
    let e = 0;
    for (let i = 0; i < n; i++) e += (x[s + i] as number) ** 2;
    return e;
  };
  const starts: number[] = [];
  for (let s = 0; s + n + maxLag < x.length; s += hop) starts.push(s);
  const loudest = Math.max(...starts.map(energy));
  const f0s: number[] = [];
  for (const s of starts) {
    if (energy(s) < 0.1 * loudest) continue;
    let best = 0;
    let bestLag = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += (x[s + i] as number) * (x[s + i + lag] as number);
      const r = dot / Math.sqrt(energy(s) * energy(s + lag) + 1e-12);
      if (r > best) [best, bestLag] = [r, lag];
    }
    if (best > 0.6) f0s.push(rate / bestLag);
  }
  return f0s.sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
/** 10th-90th percentile spread of f0: how far the intonation moves, robust to a stray octave error. */
const f0Spread = (w: SynthesizedWord) => {
  const t = pitchTrack(w);
  return percentile(t, 0.9) - percentile(t, 0.1);
};

const dirs: string[] = [];
let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'whittle-espeak-'));
  dirs.push(root);
});

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

let clips = 0;

/** Synthesize `word` with a config on top of the tiny preset; fixed rate and pitch unless given. */
function say(word: string, overrides: Partial<SynthConfig>, seed = 1, program = 'espeak-ng') {
  const config = resolveSynthConfig({ preset: 'tiny', espeakRate: [170, 170], espeakPitch: [40, 40], ...overrides });
  const rng = new SeededRandom(seed);
  return createEspeakEngine(config, program)
    .synthesize(SPEAKER, word, rng, join(root, `clip-${clips++}.wav`))
    .then((said) => ({ said, rng }));
}

describe('espeakProsodyText', () => {
  it.each([
    [[-30, -30], '!', '<speak><prosody range="-30%">go</prosody>!</speak>'],
    [[40, 40], '?', '<speak><prosody range="+40%">go</prosody>?</speak>'],
    // espeak-ng reads an unsigned "0%" as 0% of the current range (flat), so zero is written "+0%".
    [[0, 0], '.', '<speak><prosody range="+0%">go</prosody>.</speak>'],
  ] as const)('range %j ending %s', (pitchRange, ending, text) => {
    expect(espeakProsodyText('go', { pitchRange, endings: [ending] }, new SeededRandom(3))).toBe(text);
  });

  it('escapes &, < and > in the word', () => {
    expect(espeakProsodyText('a<b>&c', { pitchRange: [5, 5], endings: ['.'] }, new SeededRandom(3))).toBe('<speak><prosody range="+5%">a&lt;b&gt;&amp;c</prosody>.</speak>');
  });
});

describe('espeak engine arguments (recording stand-in for espeak-ng)', () => {
  let fake = '';
  let log = '';

  beforeAll(async () => {
    // Logs its arguments one per line and writes a fixed 10-sample WAV where -w points.
    const fixture = join(root, 'fixture.wav');
    await writeFile(fixture, encodeWav(new Float32Array([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.4, 0.3, 0.2, 0.1]), 22050));
    log = join(root, 'args.log');
    fake = join(root, 'fake-espeak-ng');
    await writeFile(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\nwhile [ $# -gt 0 ]; do if [ "$1" = "-w" ]; then cp '${fixture}' "$2"; fi; shift; done\n`);
    await chmod(fake, 0o755);
  });

  const loggedArgs = async () => (await readFile(log, 'utf8')).split('\n').slice(0, -1);
  const ranges = { espeakRate: [100, 300] as const, espeakPitch: [10, 90] as const };

  it('without prosody: rate then pitch from the rng, the plain word, and no further draws', async () => {
    const { said, rng } = await say('go', ranges, 7, fake);
    const ref = new SeededRandom(7);
    const rate = ref.int(100, 300);
    const pitch = ref.int(10, 90);
    expect(await loggedArgs()).toEqual(['-v', 'en-us+m3', '-s', String(rate), '-p', String(pitch), '-w', expect.stringMatching(/clip-\d+\.wav$/), 'go']);
    expect(rng.snapshot()).toEqual(ref.snapshot());
    expect([said.sampleRate, said.samples.length]).toEqual([22050, 10]);
  });

  it('with prosody: the same rate and pitch draws first, then range and ending, passed as SSML with -m', async () => {
    const prosody: EspeakProsody = { pitchRange: [-50, 100], endings: ['.', '!', '?'] };
    const { rng } = await say('go', { ...ranges, espeakProsody: prosody }, 7, fake);
    const ref = new SeededRandom(7);
    const rate = ref.int(100, 300);
    const pitch = ref.int(10, 90);
    const range = ref.int(-50, 100);
    const ending = ref.pick(['.', '!', '?']);
    const percent = `${range < 0 ? '-' : '+'}${Math.abs(range)}%`;
    expect(await loggedArgs()).toEqual(['-v', 'en-us+m3', '-s', String(rate), '-p', String(pitch), '-w', expect.stringMatching(/clip-\d+\.wav$/), '-m', `<speak><prosody range="${percent}">go</prosody>${ending}</speak>`]);
    expect(rng.snapshot()).toEqual(ref.snapshot());
  });

  it('draws ranges over the whole interval and every ending across clips', async () => {
    const prosody: EspeakProsody = { pitchRange: [-50, 100], endings: ['.', '!', '?'] };
    const seen = { ranges: new Set<number>(), endings: new Set<string>() };
    for (let seed = 0; seed < 40; seed++) {
      const m = /range="([+-]\d+)%">go<\/prosody>([.!?])</.exec(espeakProsodyText('go', prosody, new SeededRandom(seed)));
      expect(m).not.toBeNull();
      seen.ranges.add(Number(m?.[1]));
      seen.endings.add(m?.[2] as string);
    }
    expect([...seen.endings].sort()).toEqual(['!', '.', '?']);
    expect(Math.min(...seen.ranges)).toBeGreaterThanOrEqual(-50);
    expect(Math.max(...seen.ranges)).toBeLessThanOrEqual(100);
    expect(Math.min(...seen.ranges)).toBeLessThan(0);
    expect(Math.max(...seen.ranges)).toBeGreaterThan(50);
  });
});

describe('espeak engine with the real espeak-ng', () => {
  const directCall = async (args: string[]) => {
    const file = join(root, 'direct.wav');
    await run('espeak-ng', [...args, '-w', file]);
    return decodeWav(await readFile(file), file);
  };

  it('without prosody, says exactly what `espeak-ng -v voice+variant -s rate -p pitch -w file word` says', async () => {
    const { said } = await say('go', {});
    const direct = await directCall(['-v', 'en-us+m3', '-s', '170', '-p', '40', 'go']);
    expect(said.sampleRate).toBe(direct.sampleRate);
    expect(said.samples.length).toBeGreaterThan(1000);
    expect(said.samples).toEqual(direct.samples);
  });

  it('each ending gives different audio, and differs from the word without prosody', async () => {
    const plain = (await say('go', {})).said.samples;
    const byEnding = await Promise.all((['.', '!', '?'] as const).map(async (e) => (await say('go', { espeakProsody: { pitchRange: [0, 0], endings: [e] } }, 2)).said.samples));
    const all = [plain, ...byEnding];
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(all[i]).not.toEqual(all[j]);
  });

  it('a wide range moves the intonation, a narrow one flattens it, and the drawn -p pitch still applies', async () => {
    const at = async (pitchRange: readonly [number, number], pitch = 40) =>
      (await say('go', { espeakPitch: [pitch, pitch], espeakProsody: { pitchRange, endings: ['?'] } }, 3)).said;
    const flat = f0Spread(await at([-90, -90]));
    const wide = f0Spread(await at([98, 98]));
    // Measured for en-us+m3 'go?': about 3 Hz at -90% and 57 Hz at +98%.
    expect(flat).toBeLessThan(10);
    expect(wide).toBeGreaterThan(30);
    const median = (w: SynthesizedWord) => percentile(pitchTrack(w), 0.5);
    expect(median(await at([0, 0], 10))).toBeLessThan(0.8 * median(await at([0, 0], 90)));
  });
});
