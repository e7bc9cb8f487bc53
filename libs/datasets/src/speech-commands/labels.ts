// The 12 keyword-spotting classes of Speech Commands v2 (TensorFlow's standard benchmark setup).

/** The ten command words a model must tell apart, in TensorFlow's order. */
export const KWS_TARGET_WORDS: readonly string[] = Object.freeze(['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go']);

/** Class names in model output order: the ten words, then any other word, then no speech. */
export const KWS_LABELS: readonly string[] = Object.freeze([...KWS_TARGET_WORDS, '_unknown_', '_silence_']);

export const UNKNOWN_LABEL = '_unknown_';
export const SILENCE_LABEL = '_silence_';
/** Folder of long noise recordings that `_silence_` windows are cut from. */
export const BACKGROUND_NOISE_DIR = '_background_noise_';
