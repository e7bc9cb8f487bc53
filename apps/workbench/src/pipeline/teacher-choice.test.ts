// --teacher values map to the right teacher kind, and a wrong one names what was expected.
import { describe, expect, it } from 'vitest';
import { teacherChoiceFrom } from './teacher-choice.ts';

const published = new URL('../../../../models/keyword-spotter/0.1.0', import.meta.url).pathname;

describe('teacherChoiceFrom', () => {
  it('reads none, zoo names, .onnx files and transformers.js folders', () => {
    expect(teacherChoiceFrom('none', 8)).toEqual({ kind: 'none' });
    expect(teacherChoiceFrom('ds-cnn-l', 20)).toEqual({ kind: 'zoo', model: 'ds-cnn-l', epochs: 20 });
    expect(teacherChoiceFrom(published, 8)).toEqual({ kind: 'transformers', dir: published });
    expect(teacherChoiceFrom(`${published}/onnx/model.onnx`, 8)).toEqual({ kind: 'onnx', path: `${published}/onnx/model.onnx` });
  });

  it('reads ensembles of one zoo model over seeds, and names what is wrong with a bad one', () => {
    expect(teacherChoiceFrom('ensemble:ds-cnn-s:42,1,2', 12)).toEqual({ kind: 'ensemble', model: 'ds-cnn-s', epochs: 12, seeds: [42, 1, 2] });
    expect(teacherChoiceFrom('ensemble:ds-cnn-m:7, 8', 6)).toEqual({ kind: 'ensemble', model: 'ds-cnn-m', epochs: 6, seeds: [7, 8] });
    expect(() => teacherChoiceFrom('ensemble:gru:1,2', 8)).toThrow("Teacher 'ensemble:gru:1,2' names no zoo model: expected 'ensemble:<zoo model>:<seed>,<seed>,...', e.g. 'ensemble:ds-cnn-s:42,1,2' with one of ds-cnn-s, ");
    expect(() => teacherChoiceFrom('ensemble:ds-cnn-s:42', 8)).toThrow("needs at least two different non-negative integer seeds: expected 'ensemble:<zoo model>:<seed>,<seed>,...', e.g. 'ensemble:ds-cnn-s:42,1,2'; got '42'");
    expect(() => teacherChoiceFrom('ensemble:ds-cnn-s:1,1', 8)).toThrow("got '1,1'");
    expect(() => teacherChoiceFrom('ensemble:ds-cnn-s:1,-2', 8)).toThrow("got '1,-2'");
    expect(() => teacherChoiceFrom('ensemble:ds-cnn-s:1,2:3', 8)).toThrow('names no zoo model');
  });

  it('names the value and the accepted forms', () => {
    expect(() => teacherChoiceFrom('ds-cnn-xl', 8)).toThrow(/^Teacher 'ds-cnn-xl' is neither a zoo model nor an existing path; expected 'none', a zoo model \(ds-cnn-s, /);
    expect(() => teacherChoiceFrom(`${published}/onnx`, 8)).toThrow(/lacks config\.json or onnx\/model\.onnx/);
    expect(() => teacherChoiceFrom(`${published}/config.json`, 8)).toThrow(/is not a \.onnx file/);
  });
});
