// Teacher options are validated up front, naming the option and the value.
import { describe, expect, it } from 'vitest';
import { ConfigError, KWS_LABELS } from '@whittle/datasets';
import { resolveTeacherOptions } from './teacher-options.ts';

describe('resolveTeacherOptions', () => {
  it('defaults to our 12 keyword-spotting classes and batches of 256', () => {
    const options = resolveTeacherOptions();
    expect(options.labels).toBe(KWS_LABELS);
    expect(options.batchSize).toBe(256);
    expect(options.audio).toBeUndefined();
  });

  it.each([
    [{ labels: [] }, "Option 'labels' passed to 'teacherLogits' must name at least one class; got []"],
    [{ labels: ['yes', 'no', 'yes'] }, "Option 'labels' passed to 'teacherLogits' must not repeat a class; got 'yes' twice"],
    [{ batchSize: 0 }, "Option 'batchSize' passed to 'teacherLogits' must be a positive integer; got 0"],
    [{ threads: 1.5 }, "Option 'threads' passed to 'teacherLogits' must be a positive integer; got 1.5"],
    [{ setNormalization: { mean: 0, std: 0 } }, "Option 'setNormalization' passed to 'teacherLogits' must have a finite mean and a positive std; got mean 0, std 0"],
  ])('rejects %j', (options, message) => {
    expect(() => resolveTeacherOptions(options)).toThrow(ConfigError);
    expect(() => resolveTeacherOptions(options)).toThrow(message);
  });
});
