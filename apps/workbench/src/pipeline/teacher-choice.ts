// Reads a --teacher value: none, a zoo model the job trains, an ensemble of one zoo model over seeds, a local .onnx classifier or a transformers.js folder.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@whittle/datasets';
import { MODEL_NAMES } from '@whittle/distill';
import type { TeacherChoice } from './keyword-spotter-config.ts';

/**
 * `none` | a zoo name (trained for `zooEpochs`) | `ensemble:<zoo name>:<seed>,<seed>,...` (that model trained once per
 * seed for `zooEpochs`, probabilities averaged) | `path/to/model.onnx` | a folder holding config.json and onnx/model.onnx.
 * @example teacherChoiceFrom('models/keyword-spotter/0.1.0', 8) // { kind: 'transformers', dir: 'models/keyword-spotter/0.1.0' }
 * @example teacherChoiceFrom('ensemble:ds-cnn-s:42,1,2', 12) // { kind: 'ensemble', model: 'ds-cnn-s', epochs: 12, seeds: [42, 1, 2] }
 */
export function teacherChoiceFrom(value: string, zooEpochs: number): TeacherChoice {
  if (value === 'none') return { kind: 'none' };
  if (MODEL_NAMES.includes(value)) return { kind: 'zoo', model: value, epochs: zooEpochs };
  if (value.startsWith('ensemble:')) return ensembleChoice(value, zooEpochs);
  const expected = `'none', a zoo model (${MODEL_NAMES.join(', ')}), 'ensemble:<zoo model>:<seed>,<seed>,...', a .onnx file, or a transformers.js model folder (config.json + onnx/model.onnx)`;
  if (!existsSync(value)) throw new ConfigError(`Teacher '${value}' is neither a zoo model nor an existing path; expected ${expected}`);
  if (statSync(value).isDirectory()) {
    if (!existsSync(join(value, 'config.json')) || !existsSync(join(value, 'onnx', 'model.onnx'))) {
      throw new ConfigError(`Teacher folder '${value}' lacks config.json or onnx/model.onnx; expected ${expected}`);
    }
    return { kind: 'transformers', dir: value };
  }
  if (!value.endsWith('.onnx')) throw new ConfigError(`Teacher file '${value}' is not a .onnx file; expected ${expected}`);
  return { kind: 'onnx', path: value };
}

function ensembleChoice(value: string, epochs: number): TeacherChoice {
  const [, model = '', seedList = '', ...rest] = value.split(':');
  const form = `'ensemble:<zoo model>:<seed>,<seed>,...', e.g. 'ensemble:ds-cnn-s:42,1,2'`;
  if (rest.length > 0 || !MODEL_NAMES.includes(model)) {
    throw new ConfigError(`Teacher '${value}' names no zoo model: expected ${form} with one of ${MODEL_NAMES.join(', ')}`);
  }
  const seeds = seedList.split(',').map((s) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN));
  if (seeds.some((s) => !Number.isSafeInteger(s)) || new Set(seeds).size !== seeds.length || seeds.length < 2) {
    throw new ConfigError(`Teacher '${value}' needs at least two different non-negative integer seeds: expected ${form}; got '${seedList}'`);
  }
  return { kind: 'ensemble', model, epochs, seeds };
}
