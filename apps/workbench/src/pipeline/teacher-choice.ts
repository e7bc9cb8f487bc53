// Reads a --teacher value: none, a zoo model the job trains, a local .onnx classifier or a transformers.js folder.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@whittle/datasets';
import { MODEL_NAMES } from '@whittle/distill';
import type { TeacherChoice } from './keyword-spotter-config.ts';

/**
 * `none` | a zoo name (trained for `zooEpochs`) | `path/to/model.onnx` | a folder holding config.json and onnx/model.onnx.
 * @example teacherChoiceFrom('models/keyword-spotter/0.1.0', 8) // { kind: 'transformers', dir: 'models/keyword-spotter/0.1.0' }
 */
export function teacherChoiceFrom(value: string, zooEpochs: number): TeacherChoice {
  if (value === 'none') return { kind: 'none' };
  if (MODEL_NAMES.includes(value)) return { kind: 'zoo', model: value, epochs: zooEpochs };
  const expected = `'none', a zoo model (${MODEL_NAMES.join(', ')}), a .onnx file, or a transformers.js model folder (config.json + onnx/model.onnx)`;
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
