// Facts about this run for artifacts' provenance: git commit, tool versions, host.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** The checked-out commit, with '-dirty' when the tree has uncommitted changes; 'unknown' outside git. */
export function gitCommit(cwd = process.cwd()): string {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty.length > 0 ? `${sha}-dirty` : sha;
  } catch {
    return 'unknown';
  }
}

function packageVersion(name: string): string {
  try {
    // Read the hoisted copy directly: many packages' "exports" hide package.json from resolution.
    const url = new URL(`../../../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export interface Provenance {
  readonly producer: string;
  readonly producerVersion: string;
  readonly gitCommit: string;
  readonly node: string;
  readonly packages: Record<string, string>;
  readonly cpu: string;
}

export function collectProvenance(): Provenance {
  const root = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return {
    producer: 'whittle',
    producerVersion: root.version,
    gitCommit: gitCommit(),
    node: process.version,
    packages: Object.fromEntries(
      ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', 'onnxruntime-node', '@huggingface/transformers'].map((p) => [p, packageVersion(p)]),
    ),
    cpu: `${cpus()[0]?.model ?? 'unknown'} x${cpus().length}`,
  };
}

/** Stable short hash of a JSON-serialisable config, for provenance and cache keys. */
export function configHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 16);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
