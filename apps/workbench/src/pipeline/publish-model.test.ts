// Publishing never overwrites, detects unchanged models, and hashes every file it writes.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SILENT_REPORTER } from '@whittle/datasets';
import { publishModel, type PublishContent } from './publish-model.ts';

async function fixture(fp32: string, int8: string): Promise<{ root: string; content: PublishContent }> {
  const dir = await mkdtemp(join(tmpdir(), 'whittle-publish-'));
  await writeFile(join(dir, 'a.onnx'), fp32);
  await writeFile(join(dir, 'b.onnx'), int8);
  return {
    root: join(dir, 'models'),
    content: {
      name: 'kws',
      onnxFiles: { 'onnx/model.onnx': join(dir, 'a.onnx'), 'onnx/model_int8.onnx': join(dir, 'b.onnx') },
      config: { id2label: { 0: 'yes' } },
      preprocessorConfig: { feature_extractor_type: 'ASTFeatureExtractor' },
      manifest: { metrics: { fp32: { accuracy: 0.5 } } },
      modelCard: (v) => `# kws ${v}\n`,
    },
  };
}

describe('publishModel', () => {
  it('publishes 0.1.0 with a manifest hashing every file', async () => {
    const { root, content } = await fixture('fp32-bytes', 'int8-bytes');
    const out = await publishModel(root, content, { reporter: SILENT_REPORTER });
    expect(out).toMatchObject({ kind: 'published', version: '0.1.0' });
    const manifest = JSON.parse(await readFile(join(out.dir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.files).sort()).toEqual(['README.md', 'config.json', 'onnx/model.onnx', 'onnx/model_int8.onnx', 'preprocessor_config.json']);
    expect(manifest.files['onnx/model.onnx'].sha256).toBe(createHash('sha256').update('fp32-bytes').digest('hex'));
    expect(manifest.metrics.fp32.accuracy).toBe(0.5);
    expect(await readFile(join(out.dir, 'README.md'), 'utf8')).toBe('# kws 0.1.0\n');
  });

  it('reports unchanged models and bumps the patch for changed ones, leaving no temp dirs', async () => {
    const { root, content } = await fixture('fp32', 'int8');
    await publishModel(root, content, { reporter: SILENT_REPORTER });
    expect(await publishModel(root, content, { reporter: SILENT_REPORTER })).toMatchObject({ kind: 'unchanged', version: '0.1.0' });
    await writeFile(content.onnxFiles['onnx/model_int8.onnx'] as string, 'int8-v2');
    expect(await publishModel(root, content, { reporter: SILENT_REPORTER })).toMatchObject({ kind: 'published', version: '0.1.1' });
    expect((await readdir(join(root, 'kws'))).sort()).toEqual(['0.1.0', '0.1.1']);
    expect(await readFile(join(root, 'kws/0.1.0/onnx/model_int8.onnx'), 'utf8')).toBe('int8');
  });

  it('publishes a new version when a file is added or dropped, even if the others are unchanged', async () => {
    const { root, content } = await fixture('fp32', 'int8');
    await publishModel(root, content, { reporter: SILENT_REPORTER });
    const fp16 = `${content.onnxFiles['onnx/model.onnx'] as string}.fp16`;
    await writeFile(fp16, 'fp16');
    const added = { ...content, onnxFiles: { ...content.onnxFiles, 'onnx/model_fp16.onnx': fp16 } };
    expect(await publishModel(root, added, { reporter: SILENT_REPORTER })).toMatchObject({ kind: 'published', version: '0.1.1' });
    expect(await publishModel(root, added, { reporter: SILENT_REPORTER })).toMatchObject({ kind: 'unchanged', version: '0.1.1' });
    expect(await publishModel(root, content, { reporter: SILENT_REPORTER })).toMatchObject({ kind: 'published', version: '0.1.2' });
  });

  it('refuses to overwrite an explicit existing version with different files', async () => {
    const { root, content } = await fixture('fp32', 'int8');
    await publishModel(root, content, { version: '1.0.0', reporter: SILENT_REPORTER });
    await writeFile(content.onnxFiles['onnx/model.onnx'] as string, 'other');
    await expect(publishModel(root, content, { version: '1.0.0', reporter: SILENT_REPORTER })).rejects.toThrow(/1\.0\.0 already exists with different model files/);
    await expect(publishModel(root, content, { version: 'v2', reporter: SILENT_REPORTER })).rejects.toThrow("Flag '--version' must look like 1.2.3; got 'v2'");
  });
});
