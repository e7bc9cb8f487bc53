// Public API of @whittle/datasets: audio I/O, Speech Commands layout, synthetic speech, features.

export { WhittleError, ConfigError, BadFileError, UnsupportedError, MissingToolError } from './core/errors.ts';
export type { WhittleErrorCode } from './core/errors.ts';
export { SeededRandom } from './core/random.ts';
export { writeFileAtomic, writeDirAtomic } from './core/atomic-write.ts';
export { SILENT_REPORTER } from './core/progress.ts';
export type { ProgressEvent, Reporter } from './core/progress.ts';
export { DEFAULT_FRONT_END_CONFIG, framesForSamples, resolveFrontEndConfig } from './features/front-end-config.ts';
export type { FeatureNormalization, FrontEndConfig } from './features/front-end-config.ts';
export { FbankExtractor, featureStatistics, normalizeFeatures, preprocessorConfigFor } from './features/fbank-extractor.ts';
export { extractFeatures } from './features/extract-features.ts';
export type { ClipLoader, ExtractFeaturesOptions, FeatureSource } from './features/extract-features.ts';
export { selectRows } from './features/feature-set.ts';
export type { FeatureSet } from './features/feature-set.ts';
