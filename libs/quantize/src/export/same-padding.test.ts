// TF 'same' padding: out = ceil(in / stride), odd totals put the extra pixel at the end.
import { describe, expect, it } from 'vitest';
import { convPads, samePadding } from './same-padding.ts';

describe('samePadding', () => {
  it.each([
    // [in, kernel, stride, dilation, expected]
    [98, 10, 2, 1, [4, 4]],
    [40, 4, 2, 1, [1, 1]],
    [6, 2, 1, 1, [0, 1]],
    [7, 3, 2, 1, [1, 1]],
    [8, 3, 2, 1, [0, 1]],
    [5, 4, 1, 1, [1, 2]],
    [9, 3, 1, 2, [2, 2]],
    [3, 5, 3, 1, [1, 1]],
    [1, 3, 2, 1, [1, 1]],
  ] as const)('in %i, kernel %i, stride %i, dilation %i -> %j', (input, kernel, stride, dilation, expected) => {
    expect(samePadding(input, kernel, stride, dilation)).toEqual(expected);
  });

  it('orders ONNX pads as [top, left, bottom, right] and pads nothing for valid', () => {
    expect(convPads('same', [6, 5], [2, 4], [1, 1])).toEqual([0, 1, 1, 2]);
    expect(convPads('valid', [6, 5], [2, 4], [1, 1])).toEqual([0, 0, 0, 0]);
  });
});
