// MaxPooling2D -> ONNX MaxPool.

import type { LayerExporter } from '../layer-exporter.ts';
import { emitPool } from './pooling2d.ts';

export const maxPooling2dExporter: LayerExporter = { className: 'MaxPooling2D', export: (ctx) => emitPool(ctx, 'MaxPool') };
