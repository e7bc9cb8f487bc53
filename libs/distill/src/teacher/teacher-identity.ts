// What a teacher is, as a hash of the bytes that decide its outputs: the cache key's teacher half.

import { createHash, type Hash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BadFileError } from '@whittle/datasets';
import { checkEnsemble } from './ensemble-teacher.ts';
import { findOnnxTeacherFiles } from './onnx-teacher-files.ts';
import { TRANSFORMERS_DTYPE_SUFFIXES, type TeacherSource } from './teacher-source.ts';
import { stableStringify } from '../train/stable-stringify.ts';

/** Bump when the logits a given teacher produces change for reasons the hashed bytes cannot see. */
const IDENTITY_VERSION = 1;

/**
 * sha256 (hex) of everything that decides a teacher's logits:
 * - layers: each layer's class and config (without auto-generated names) and every weight's shape and bytes;
 * - onnx: the .onnx file and its external-data siblings, the config.json / preprocessor_config.json it is read with,
 *   the source's labels and io names;
 * - transformers: every top-level .json of the directory and the `onnx/model<suffix>.onnx*` files of the dtype;
 * - ensemble: each member's identity, in order.
 * The display name of a layers teacher is not part of it, so a renamed copy still hits the cache.
 */
export async function teacherIdentity(source: TeacherSource): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ version: IDENTITY_VERSION, kind: source.kind }));
  switch (source.kind) {
    case 'layers': {
      const { model } = source;
      hash.update(JSON.stringify({ labels: source.labels ?? null }));
      for (const layer of model.layers) {
        const { name: _name, ...config } = layer.getConfig() as Record<string, unknown>;
        hash.update(stableStringify([layer.getClassName(), config]));
      }
      for (const weight of model.getWeights()) {
        hash.update(JSON.stringify([weight.dtype, weight.shape]));
        const data = weight.dataSync();
        hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      }
      break;
    }
    case 'onnx': {
      hash.update(JSON.stringify({ labels: source.labels ?? null, inputName: source.inputName ?? null, outputName: source.outputName ?? null }));
      // External data lives beside the graph under the graph's own name (model.onnx_data, model.onnx.data).
      const dir = dirname(source.path);
      const siblings = (await listDir(dir, source.path)).filter((f) => f.startsWith(basename(source.path))).sort();
      for (const file of siblings) await hashFile(hash, join(dir, file), file);
      const { config, preprocessor } = await findOnnxTeacherFiles(source.path);
      for (const [role, file] of [['config', config], ['preprocessor', preprocessor]] as const) {
        if (file !== undefined) await hashFile(hash, file, role);
      }
      break;
    }
    case 'ensemble': {
      checkEnsemble(source);
      // Members in order: the same models listed in another order average to the same logits, but a reordering is
      // rare enough that a second cache entry costs less than a canonical order would explain.
      for (const member of source.members) hash.update(await teacherIdentity(member));
      break;
    }
    case 'transformers': {
      const dtype = source.dtype ?? 'fp32';
      const model = `model${TRANSFORMERS_DTYPE_SUFFIXES[dtype]}.onnx`;
      const top = (await listDir(source.dir, source.dir)).filter((f) => f.endsWith('.json')).sort();
      const onnx = (await listDir(join(source.dir, 'onnx'), source.dir)).filter((f) => f === model || f.startsWith(`${model}_data`) || f.startsWith(`${model}.data`)).sort();
      hash.update(JSON.stringify({ dtype }));
      for (const file of top) await hashFile(hash, join(source.dir, file), file);
      for (const file of onnx) await hashFile(hash, join(source.dir, 'onnx', file), `onnx/${file}`);
      break;
    }
  }
  return hash.digest('hex');
}

async function listDir(dir: string, forWhat: string): Promise<string[]> {
  return readdir(dir).catch((err: unknown) => {
    throw new BadFileError(forWhat, `cannot list ${dir} to identify the teacher: ${(err as Error).message}`);
  });
}

/** The file's name and a length-prefixed digest of its bytes, so neither renames nor byte shifts collide. */
async function hashFile(hash: Hash, path: string, name: string): Promise<void> {
  const bytes = await readFile(path).catch((err: unknown) => {
    throw new BadFileError(path, `cannot read it to identify the teacher: ${(err as Error).message}`);
  });
  hash.update(JSON.stringify([name, bytes.byteLength, createHash('sha256').update(bytes).digest('hex')]));
}
