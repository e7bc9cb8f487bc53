// Feeds a cache key with what feature rows are made from: each source's id, label, offset and file bytes.

import { createHash, type Hash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { FeatureSource } from './extract-features.ts';

const digestMemo = new Map<string, Promise<string>>();

/** sha256 of a file's bytes, memoised per path+size+mtime (noise files back many silence windows). */
export async function fileDigest(path: string): Promise<string> {
  const info = await stat(path);
  const memoKey = `${path}|${info.size}|${info.mtimeMs}`;
  let digest = digestMemo.get(memoKey);
  if (digest === undefined) {
    digest = readFile(path).then((bytes) => createHash('sha256').update(bytes).digest('hex'));
    digestMemo.set(memoKey, digest);
  }
  return digest;
}

/**
 * Add every source to `hash`. File bytes count, not just paths: regenerated synthetic data keeps its paths.
 */
export async function hashFeatureSources(hash: Hash, sources: readonly FeatureSource[]): Promise<void> {
  for (const source of sources) {
    hash.update(`\n${source.id}|${source.labelIndex}|${source.offset ?? 0}|`);
    hash.update(await fileDigest(source.path));
  }
}
