// Where distillation targets come from: a tfjs zoo model, an ONNX classifier, a transformers.js model directory, or an ensemble of them.

import type * as tf from '@tensorflow/tfjs';
import { loadLayersModel } from '../train/layers-model-io.ts';

/**
 * Weight formats a transformers.js directory may carry, with the `onnx/model<suffix>.onnx` file each one loads
 * (transformers.js' own naming, so the teacher identity hashes exactly the file the library opens).
 */
export const TRANSFORMERS_DTYPE_SUFFIXES = Object.freeze({ fp32: '', fp16: '_fp16', int8: '_int8', uint8: '_uint8', q8: '_quantized', q4: '_q4' });
export type TransformersTeacherDtype = keyof typeof TRANSFORMERS_DTYPE_SUFFIXES;

/** A teacher whose logits a student is distilled from. */
export type TeacherSource =
  | {
      /** A zoo model trained by the pipeline, in process or loaded with loadLayersTeacher(). Input: the set's rows as [N, frames, bins]. */
      readonly kind: 'layers';
      readonly model: tf.LayersModel;
      /** For messages only; the cache identifies the model by its topology and weights. */
      readonly name: string;
      /** The teacher's class names in output order. Default: our labels (the pipeline trains in that order). */
      readonly labels?: readonly string[];
    }
  | {
      /** Any local ONNX classifier taking float32 [N, frames, bins] features, run on onnxruntime-node. */
      readonly kind: 'onnx';
      readonly path: string;
      /**
       * The teacher's class names in output order. Default: `id2label` of a config.json beside the file or one
       * directory up (transformers.js layout `<dir>/onnx/model.onnx`); with neither, the output must be in our order.
       */
      readonly labels?: readonly string[];
      /** Default: the graph's only input, else 'input_values'. */
      readonly inputName?: string;
      /** Default: 'logits' when the graph has it, else its only output. */
      readonly outputName?: string;
    }
  | {
      /** A local @huggingface/transformers audio-classification directory, fed raw waveforms; never touches the network. */
      readonly kind: 'transformers';
      readonly dir: string;
      /** Which `onnx/model*.onnx` to load. Default 'fp32'. */
      readonly dtype?: TransformersTeacherDtype;
    }
  | {
      /**
       * Several teachers as one: its logits are the log of the members' mean softmax probabilities, so its top class
       * is the averaged ensemble's and its tempered distribution is that of the averaged probabilities. Members may
       * be of any other kind (not ensembles themselves).
       */
      readonly kind: 'ensemble';
      readonly members: readonly TeacherSource[];
    };

export type TeacherKind = TeacherSource['kind'];

/** A short human name for messages and progress stages: `onnx teacher model.onnx`. */
export function describeTeacher(source: TeacherSource): string {
  switch (source.kind) {
    case 'layers':
      return `layers teacher '${source.name}'`;
    case 'onnx':
      return `onnx teacher ${source.path}`;
    case 'transformers':
      return `transformers teacher ${source.dir} (${source.dtype ?? 'fp32'})`;
    case 'ensemble':
      return `ensemble of ${source.members.length} teachers (${source.members.map(describeTeacher).join('; ')})`;
  }
}

/**
 * A 'layers' teacher from a tfjs model.json directory (as saveLayersModel writes it).
 * @example const teacher = await loadLayersTeacher('.cache/keyword-spotter/run/train/ds-cnn-l')
 */
export async function loadLayersTeacher(dir: string, labels?: readonly string[]): Promise<TeacherSource & { kind: 'layers' }> {
  const model = await loadLayersModel(dir);
  return labels === undefined ? { kind: 'layers', model, name: dir } : { kind: 'layers', model, name: dir, labels };
}
