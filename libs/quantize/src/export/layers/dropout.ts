// Dropout is the identity at inference: the exported graph skips it.

import { singleInput, type LayerExporter } from '../layer-exporter.ts';

export const dropoutExporter: LayerExporter = {
  className: 'Dropout',
  export(ctx) {
    const input = singleInput(ctx);
    // Drop `foldable`: the conv's output may have other readers besides this dropout.
    return { name: input.name, shape: input.shape, layout: input.layout };
  },
};
