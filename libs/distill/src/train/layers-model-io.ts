// Save and load tfjs layers models as model.json + weights.bin without tfjs-node's file:// handler.

import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadFileError, writeFileAtomic } from '@whittle/datasets';

/** Write `model` to `dir/model.json` and `dir/weights.bin` (each atomically). */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      const bytes = weightData === undefined ? new Uint8Array() : new Uint8Array(tf.io.concatenateArrayBuffers(Array.isArray(weightData) ? weightData : [weightData]));
      await writeFileAtomic(join(dir, 'weights.bin'), bytes);
      const manifest = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFileAtomic(join(dir, 'model.json'), JSON.stringify(manifest));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** Load a model written by saveLayersModel (or any single-shard tfjs layers model). */
export async function loadLayersModel(dir: string): Promise<tf.LayersModel> {
  const jsonPath = join(dir, 'model.json');
  const json = JSON.parse(await readFile(jsonPath, 'utf8').catch((err: unknown) => {
    throw new BadFileError(jsonPath, `cannot read tfjs model: ${(err as Error).message}`);
  })) as { modelTopology?: object; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  if (json.modelTopology === undefined || json.weightsManifest === undefined) {
    throw new BadFileError(jsonPath, "expected a tfjs layers model with 'modelTopology' and 'weightsManifest'");
  }
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const buffers = await Promise.all(json.weightsManifest.flatMap((group) => group.paths).map((p) => readFile(join(dir, p))));
  const weightData = tf.io.concatenateArrayBuffers(buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
}
