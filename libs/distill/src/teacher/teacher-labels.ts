// Maps a teacher's class order onto ours by label name, so a teacher trained with another order still distils.

import { readFile } from 'node:fs/promises';
import { BadFileError, ConfigError } from '@whittle/datasets';

/**
 * The `id2label` of a transformers config.json as names in output order; undefined when the file has no id2label
 * (a config of a model that is not a classifier says nothing about class order).
 */
export async function readId2Label(configPath: string): Promise<string[] | undefined> {
  const text = await readFile(configPath, 'utf8').catch((err: unknown) => {
    throw new BadFileError(configPath, `cannot read it: ${(err as Error).message}`);
  });
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (err) {
    throw new BadFileError(configPath, `not valid JSON: ${(err as Error).message}`);
  }
  const id2label = (config as { id2label?: unknown } | null)?.id2label;
  if (id2label === undefined) return undefined;
  if (id2label === null || typeof id2label !== 'object' || Array.isArray(id2label)) {
    throw new BadFileError(configPath, `'id2label' must be an object of class index -> label; got ${JSON.stringify(id2label)}`);
  }
  const entries = Object.entries(id2label as Record<string, unknown>);
  const labels: string[] = new Array<string>(entries.length);
  for (const [key, value] of entries) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= entries.length || String(index) !== key) {
      throw new BadFileError(configPath, `'id2label' keys must be the indices 0..${entries.length - 1}; got '${key}'`);
    }
    if (typeof value !== 'string') throw new BadFileError(configPath, `'id2label.${key}' must be a string label; got ${JSON.stringify(value)}`);
    labels[index] = value;
  }
  return labels;
}

/**
 * For each of `ours`, the column of `teacherLabels` with the same name.
 * Teacher classes we do not have are dropped (their probability mass is not a class the student can learn);
 * a class of ours the teacher lacks is an error, since the student would have no target for it.
 * `where` names where the teacher's labels came from, for the error.
 * @example teacherColumns(['no', 'yes'], ['yes', 'no'], 'config.json') // Int32Array [1, 0]
 */
export function teacherColumns(teacherLabels: readonly string[], ours: readonly string[], where: string): { columns: Int32Array; dropped: string[] } {
  const repeated = teacherLabels.filter((l, i) => teacherLabels.indexOf(l) !== i);
  if (repeated.length > 0) {
    throw new ConfigError(`${where}: the teacher's labels repeat ${[...new Set(repeated)].map((l) => `'${l}'`).join(', ')}, so they cannot be mapped onto ours by name`);
  }
  const missing = ours.filter((l) => !teacherLabels.includes(l));
  if (missing.length > 0) {
    throw new ConfigError(
      `${where}: the teacher has no class ${missing.map((l) => `'${l}'`).join(', ')} of our labels [${ours.join(', ')}]; its labels are [${teacherLabels.join(', ')}]`,
      'distil from a teacher that covers every class, or train with labels the teacher knows',
    );
  }
  return { columns: Int32Array.from(ours, (l) => teacherLabels.indexOf(l)), dropped: teacherLabels.filter((l) => !ours.includes(l)) };
}

/** Rows of `raw` ([rows, teacherClasses]) with their columns picked and reordered: out[r, c] = raw[r, columns[c]]. */
export function selectColumns(raw: Float32Array, rows: number, teacherClasses: number, columns: Int32Array): Float32Array {
  const out = new Float32Array(rows * columns.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns.length; c++) out[r * columns.length + c] = raw[r * teacherClasses + (columns[c] as number)] as number;
  }
  return out;
}

/** True when the columns are 0..n-1 of an n-class teacher: the logits need no copy. */
export function isIdentity(columns: Int32Array, teacherClasses: number): boolean {
  return columns.length === teacherClasses && columns.every((c, i) => c === i);
}
