// Class-order mapping by name: reorders, drops the teacher's extra classes, names what is missing.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadFileError, ConfigError } from '@whittle/datasets';
import { isIdentity, readId2Label, selectColumns, teacherColumns } from './teacher-labels.ts';

describe('teacherColumns', () => {
  it('finds each of our classes in the teacher by name and drops the ones we lack', () => {
    const { columns, dropped } = teacherColumns(['no', 'maybe', 'yes'], ['yes', 'no'], 'config.json id2label');
    expect([...columns]).toEqual([2, 0]);
    expect(dropped).toEqual(['maybe']);
    expect([...selectColumns(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3, columns)]).toEqual([3, 1, 6, 4]);
    expect(isIdentity(columns, 3)).toBe(false);
    expect(isIdentity(Int32Array.from([0, 1, 2]), 3)).toBe(true);
    expect(isIdentity(Int32Array.from([0, 1]), 3)).toBe(false);
  });

  it('lists every class of ours the teacher does not have, and where its labels came from', () => {
    const call = () => teacherColumns(['yes', 'nope', 'up'], ['yes', 'no', 'up', 'down'], '/m/config.json id2label');
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(/^\/m\/config\.json id2label: the teacher has no class 'no', 'down' of our labels \[yes, no, up, down\]; its labels are \[yes, nope, up\]$/);
  });

  it('refuses a teacher whose labels repeat, since a name would map to two columns', () => {
    expect(() => teacherColumns(['yes', 'no', 'yes'], ['yes', 'no'], 'here')).toThrow(/here: the teacher's labels repeat 'yes'/);
  });
});

describe('readId2Label', () => {
  const write = async (json: unknown) => {
    const file = join(await mkdtemp(join(tmpdir(), 'whittle-labels-')), 'config.json');
    await writeFile(file, JSON.stringify(json));
    return file;
  };

  it('reads id2label into output order, whatever order the keys are written in', async () => {
    expect(await readId2Label(await write({ id2label: { '1': 'no', '0': 'yes', '2': 'up' } }))).toEqual(['yes', 'no', 'up']);
  });

  it('returns undefined for a config without id2label', async () => {
    expect(await readId2Label(await write({ model_type: 'bert' }))).toBeUndefined();
  });

  it('names the file and the bad key when the indices are not 0..n-1', async () => {
    const file = await write({ id2label: { '0': 'yes', '2': 'no' } });
    const err = await readId2Label(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadFileError);
    expect((err as BadFileError).message).toBe(`${file}: 'id2label' keys must be the indices 0..1; got '2'`);
  });
});
