// AveragePooling2D -> ONNX AveragePool (padding excluded from the average, as in TF).

import type { LayerExporter } from '../layer-exporter.ts';
import { emitPool } from './pooling2d.ts';

export const averagePooling2dExporter: LayerExporter = { className: 'AveragePooling2D', export: (ctx) => emitPool(ctx, 'AveragePool') };
