// `whittle train` flags: --model's choices are the model zoo (a name outside it is rejected before any work starts), --workers is an integer.
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
      "Flag '--model' of 'whittle train' must be one of ds-cnn-s, ds-cnn-s-cmn, ds-cnn-s-cmvn, ds-cnn-96, ds-cnn-96-cmn, ds-cnn-128, ds-cnn-m, ds-cnn-m-cmn, ds-cnn-l, bc-resnet-1, image-cnn-s; got 'gru-large'",
    );
  });
});

describe('whittle train --workers', () => {
  it('parses a thread count and leaves the preset default when absent', () => {
    expect(parseOptions(trainCommand.spec, ['--workers', '2']).options.workers).toBe(2);
    expect(parseOptions(trainCommand.spec, []).options.workers).toBeUndefined();
  });

  it('rejects a fractional count, naming the flag', () => {
    expect(() => parseOptions(trainCommand.spec, ['--workers', '1.5'])).toThrow("Flag '--workers' of 'whittle train' must be an integer; got '1.5'");
  });
});
