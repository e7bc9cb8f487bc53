// Publishes a finished run as a versioned, never-overwritten artifact in the transformers.js layout.

import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ConfigError, WhittleError, writeDirAtomic, type Reporter } from '@whittle/datasets';

/** Everything a published model directory holds besides its ONNX files. */
export interface PublishContent {
  readonly name: string;
  /** Published path (e.g. 'onnx/model_int8.onnx') -> file to copy; a rerun whose files all hash the same is "unchanged". */
  readonly onnxFiles: Readonly<Record<string, string>>;
  readonly config: Record<string, unknown>;
  readonly preprocessorConfig: Record<string, unknown>;
  /** manifest.json fields besides `files`, `name`, `version` (metrics, data, training, provenance). */
  readonly manifest: Record<string, unknown>;
  readonly modelCard: (version: string) => string;
  readonly extraFiles?: Readonly<Record<string, string>>;
}

export type PublishOutcome =
  | { readonly kind: 'published'; readonly version: string; readonly dir: string }
  | { readonly kind: 'unchanged'; readonly version: string; readonly dir: string };

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

/** Published versions under `root/name`, oldest first. */
export async function publishedVersions(root: string, name: string): Promise<string[]> {
  const entries = await readdir(join(root, name), { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && SEMVER.test(e.name))
    .map((e) => e.name)
    .sort((a, b) => compareVersions(a, b));
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** sha256 of every file below `dir` (relative paths, sorted), manifest.json excluded. */
export async function hashTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(d: string): Promise<void> {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (relative(dir, p) !== 'manifest.json') out[relative(dir, p)] = await sha256File(p);
    }
  }
  await walk(dir);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Publish to `root/<name>/<version>/`. With no `version`, a model whose ONNX bytes equal the latest
 * published version's is reported unchanged, and a changed one gets the next patch version.
 * An explicit version that already exists is never overwritten.
 */
export async function publishModel(root: string, content: PublishContent, options: { version?: string; reporter: Reporter }): Promise<PublishOutcome> {
  const versions = await publishedVersions(root, content.name);
  const onnx = Object.entries(content.onnxFiles);
  const hashes = await Promise.all(onnx.map(([, from]) => sha256File(from)));
  const sameModels = async (version: string) => {
    const dir = join(root, content.name, version);
    // Same files, not only same bytes: a mode added or dropped is a new version too.
    const files = (await readdir(join(dir, 'onnx')).catch(() => [] as string[])).map((f) => `onnx/${f}`).sort();
    if (files.join('\n') !== onnx.map(([to]) => to).sort().join('\n')) return false;
    const published = await Promise.all(onnx.map(([to]) => sha256File(join(dir, to)).catch(() => '')));
    return published.every((h, i) => h === hashes[i]);
  };

  let version = options.version;
  if (version !== undefined) {
    if (!SEMVER.test(version)) throw new ConfigError(`Flag '--version' must look like 1.2.3; got '${version}'`);
    if (versions.includes(version)) {
      if (await sameModels(version)) return { kind: 'unchanged', version, dir: join(root, content.name, version) };
      throw new WhittleError('ALREADY_EXISTS', `${join(root, content.name, version)} already exists with different model files; published versions are never overwritten`, {
        hint: 'omit --version to publish as the next patch version, or pass a new version',
      });
    }
  } else {
    const latest = versions.at(-1);
    if (latest !== undefined && (await sameModels(latest))) return { kind: 'unchanged', version: latest, dir: join(root, content.name, latest) };
    const [major, minor, patch] = (latest ?? '0.0.-1').split('.').map(Number) as [number, number, number];
    version = latest === undefined ? '0.1.0' : `${major}.${minor}.${patch + 1}`;
  }

  const target = join(root, content.name, version);
  const finalVersion = version;
  await writeDirAtomic(target, async (tmp) => {
    await mkdir(join(tmp, 'onnx'), { recursive: true });
    for (const [to, from] of onnx) await copyFile(from, join(tmp, to));
    await writeFile(join(tmp, 'config.json'), `${JSON.stringify(content.config, null, 2)}\n`);
    await writeFile(join(tmp, 'preprocessor_config.json'), `${JSON.stringify(content.preprocessorConfig, null, 2)}\n`);
    await writeFile(join(tmp, 'README.md'), content.modelCard(finalVersion));
    for (const [name, from] of Object.entries(content.extraFiles ?? {})) await copyFile(from, join(tmp, name));
    const files = await hashTree(tmp);
    const sizes: Record<string, number> = {};
    for (const f of Object.keys(files)) sizes[f] = (await stat(join(tmp, f))).size;
    const manifest = { name: content.name, version: finalVersion, ...content.manifest, files: Object.fromEntries(Object.entries(files).map(([f, sha256]) => [f, { sha256, bytes: sizes[f] }])) };
    await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  });
  return { kind: 'published', version: finalVersion, dir: target };
}
