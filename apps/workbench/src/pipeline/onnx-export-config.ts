// The ONNX export settings of every model the job builds: the published student and the leave-one-engine-out roles.

import { DEFAULT_EXPORT_CONFIG, type ExportConfig } from '@whittle/quantize';
import type { Provenance } from '../runtime/provenance.ts';

/**
 * Producer and model identity in the metadata. No git commit (manifest.json has it): the ONNX bytes must depend only
 * on the model, so retraining identical weights at a later commit publishes as "unchanged", not as a new version.
 */
export function jobExportConfig(provenance: Pick<Provenance, 'producer' | 'producerVersion'>, modelName: string, configHash: string): ExportConfig {
  return {
    ...DEFAULT_EXPORT_CONFIG,
    producerName: provenance.producer,
    producerVersion: provenance.producerVersion,
    metadata: { whittle_model: modelName, whittle_config_hash: configHash },
  };
}
