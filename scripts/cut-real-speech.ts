// Re-cuts data/real-speech (real human words from Debian's pocketsphinx-testdata) from its manifest, byte for byte.
//
// The manifest's sample offsets are the source of truth; the WAVs in the repo are a convenience so tests and CI
// never need the package. Usage (needs `apt-get install pocketsphinx-testdata`):
//   npx tsx --tsconfig tsconfig.base.json scripts/cut-real-speech.ts            rewrite the WAVs
//   npx tsx --tsconfig tsconfig.base.json scripts/cut-real-speech.ts --check    compare, write nothing; exit 1 on a difference
//   ... --manifest <file> --out <dir>    cut another manifest (e.g. a larger diagnostic set) somewhere else

import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BadFileError, ConfigError, decodeWav, encodeWav, writeFileAtomic } from '@whittle/datasets';

/** How a source recording is stored in the package. */
type SourceFormat = 's16le-16000-mono' | 'wav';

interface SourceSpec {
  readonly path: string;
  readonly format: SourceFormat;
  readonly sha256: string;
  readonly transcript: string;
}

interface ClipSpec {
  /** Path under the output folder: `<label>/<source>_<word-index>.wav`. */
  readonly file: string;
  readonly label: string;
  readonly source: string;
  readonly word: string | null;
  /** Hand-checked word span in seconds (null for silence). */
  readonly start: number | null;
  readonly end: number | null;
  /** Source sample ranges [from, to) joined in order; together exactly `clipSamples` long. */
  readonly segments: readonly (readonly [number, number])[];
}

interface RealSpeechManifest {
  readonly package: { readonly name: string; readonly dataDir: string };
  readonly sampleRate: number;
  readonly clipSamples: number;
  readonly sources: Readonly<Record<string, SourceSpec>>;
  readonly clips: readonly ClipSpec[];
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_MANIFEST = join(REPO, 'data/real-speech/manifest.json');

/** Integer samples of one recording, checked against the manifest's hash so a changed package cannot pass silently. */
async function readSource(manifest: RealSpeechManifest, name: string, spec: SourceSpec): Promise<Int16Array> {
  const path = join(manifest.package.dataDir, spec.path);
  const bytes = await readFile(path).catch(() => {
    throw new BadFileError(path, `missing (source '${name}')`, `apt-get install -y ${manifest.package.name}`);
  });
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== spec.sha256) throw new BadFileError(path, `sha256 is ${digest}, the manifest expects ${spec.sha256}`, 'the package changed: re-check the offsets by hand before updating the hash');
  if (spec.format === 's16le-16000-mono') {
    if (bytes.byteLength % 2 !== 0) throw new BadFileError(path, `odd byte length ${bytes.byteLength} for 16-bit samples`);
    // Copy into an aligned buffer: Buffer slices need not start on an even offset.
    const out = new Int16Array(bytes.byteLength / 2);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getInt16(2 * i, true);
    return out;
  }
  if (spec.format === 'wav') {
    const wav = decodeWav(bytes, path);
    if (wav.sampleRate !== manifest.sampleRate || wav.channels !== 1) throw new BadFileError(path, `is ${wav.channels} ch at ${wav.sampleRate} Hz, expected mono at ${manifest.sampleRate} Hz`);
    // decodeWav divides 16-bit PCM by 32768, so this is the file's integers exactly.
    return Int16Array.from(wav.samples, (x) => Math.round(x * 32768));
  }
  throw new ConfigError(`Field 'format' of source '${name}' must be one of s16le-16000-mono, wav; got '${String(spec.format)}'`);
}

/** The clip's samples as floats that encodeWav turns back into the very same 16-bit integers. */
function cutClip(manifest: RealSpeechManifest, clip: ClipSpec, samples: Int16Array): Float32Array {
  const out = new Float32Array(manifest.clipSamples);
  let at = 0;
  for (const [from, to] of clip.segments) {
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > samples.length || to <= from) {
      throw new ConfigError(`Clip '${clip.file}': segment [${from}, ${to}) must lie inside its source's ${samples.length} samples`);
    }
    for (let i = from; i < to; i++) out[at++] = (samples[i] as number) / 32768;
  }
  if (at !== manifest.clipSamples) throw new ConfigError(`Clip '${clip.file}': segments add up to ${at} samples; expected ${manifest.clipSamples}`);
  if (clip.start !== null && clip.end !== null) {
    // A word clip is one window centred on the hand-checked span: catches an edited span with a stale window.
    const from = Math.round(((clip.start + clip.end) / 2) * manifest.sampleRate) - manifest.clipSamples / 2;
    const only = clip.segments[0];
    if (clip.segments.length !== 1 || only === undefined || only[0] !== from) {
      throw new ConfigError(`Clip '${clip.file}': segments must be [[${from}, ${from + manifest.clipSamples}]], the window centred on ${clip.start}-${clip.end} s; got ${JSON.stringify(clip.segments)}`);
    }
  }
  return out;
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { manifest: { type: 'string' }, out: { type: 'string' }, check: { type: 'boolean', default: false } } });
  const manifestPath = resolve(values.manifest ?? DEFAULT_MANIFEST);
  const outDir = resolve(values.out ?? dirname(manifestPath));
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as RealSpeechManifest;

  const cache = new Map<string, Int16Array>();
  let differences = 0;
  for (const clip of manifest.clips) {
    const spec = manifest.sources[clip.source];
    if (spec === undefined) throw new ConfigError(`Clip '${clip.file}' names source '${clip.source}'; known: ${Object.keys(manifest.sources).join(', ')}`);
    const samples = cache.get(clip.source) ?? (await readSource(manifest, clip.source, spec));
    cache.set(clip.source, samples);
    const bytes = encodeWav(cutClip(manifest, clip, samples), manifest.sampleRate, { format: 'pcm16' });
    const target = join(outDir, clip.file);
    if (values.check) {
      const have = await readFile(target).catch(() => undefined);
      const same = have !== undefined && Buffer.compare(have, bytes) === 0;
      if (!same) differences++;
      process.stdout.write(`${same ? 'same' : have === undefined ? 'MISSING' : 'DIFFERS'}  ${clip.file}\n`);
    } else {
      await mkdir(dirname(target), { recursive: true });
      await writeFileAtomic(target, bytes);
      process.stdout.write(`wrote ${clip.file} (${clip.label}${clip.word === null ? '' : `: '${clip.word}' ${clip.start}-${clip.end} s`} of ${clip.source})\n`);
    }
  }
  if (values.check) process.stdout.write(`${manifest.clips.length - differences} same, ${differences} different\n`);
  return differences === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
