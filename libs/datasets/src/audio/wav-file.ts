// Reading and writing WAV files on disk; writes are atomic so a crash never leaves half a file.

import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { BadFileError } from '../core/errors.ts';
import { decodeWav, type DecodedWav } from './decode-wav.ts';
import { encodeWav, type EncodeWavOptions } from './encode-wav.ts';

/** Read and decode a WAV file to mono float samples; a missing file is a BadFileError too. */
export async function readWav(path: string): Promise<DecodedWav> {
  return decodeWav(await readWavBytes(path), path);
}

/** The raw bytes of a WAV file, with a BadFileError naming it when it cannot be read. */
export async function readWavBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BadFileError(path, code === 'ENOENT' ? 'missing, expected a WAV file' : `cannot be read (${code ?? String(err)})`);
  }
}

/** Encode mono samples and write them atomically (default pcm16). */
export async function writeWav(path: string, samples: Float32Array, sampleRate: number, options: EncodeWavOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeWav(samples, sampleRate, options));
}
