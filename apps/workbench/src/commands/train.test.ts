// `whittle train --model`: its choices are the model zoo, and a name outside it is rejected before any work starts.
import { describe, expect, it } from 'vitest';
import { MODEL_NAMES } from '@whittle/distill';
import { parseOptions } from '../cli/options.ts';
import { trainCommand } from './train.ts';

describe('whittle train --model', () => {
  it('accepts every registered model and leaves the preset default when absent', () => {
    for (const name of MODEL_NAMES) expect(parseOptions(trainCommand.spec, ['--model', name]).options.model).toBe(name);
    expect(parseOptions(trainCommand.spec, []).options.model).toBeUndefined();
  });

  it('rejects an unknown model, listing the zoo', () => {
    expect(() => parseOptions(trainCommand.spec, ['--model', 'gru-large'])).toThrow(
      "Flag '--model' of 'whittle train' must be one of ds-cnn-s, ds-cnn-m, ds-cnn-l, bc-resnet-1, image-cnn-s; got 'gru-large'",
    );
  });
});
