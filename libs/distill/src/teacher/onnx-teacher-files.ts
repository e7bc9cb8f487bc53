// Finds the transformers.js files that describe a bare ONNX teacher: config.json (labels) and preprocessor_config.json.

import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface OnnxTeacherFiles {
  /** config.json whose id2label gives the teacher's class order. */
  readonly config: string | undefined;
  /** preprocessor_config.json beside that config (the statistics the teacher's features were normalised with). */
  readonly preprocessor: string | undefined;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Look for config.json beside the .onnx file, then one directory up (transformers.js keeps `<dir>/config.json` and
 * `<dir>/onnx/model.onnx`); the nearer one wins. preprocessor_config.json is only taken from the same directory as
 * the config, so the two always describe the same model.
 */
export async function findOnnxTeacherFiles(onnxPath: string): Promise<OnnxTeacherFiles> {
  for (const dir of [dirname(onnxPath), dirname(dirname(onnxPath))]) {
    const config = join(dir, 'config.json');
    if (await exists(config)) {
      const preprocessor = join(dir, 'preprocessor_config.json');
      return { config, preprocessor: (await exists(preprocessor)) ? preprocessor : undefined };
    }
  }
  return { config: undefined, preprocessor: undefined };
}
