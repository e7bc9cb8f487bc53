// A layer that normalises each clip's spectrogram over its own frames: per-utterance mean (and optionally variance) normalisation.

import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '@whittle/datasets';

export interface UtteranceNormalizationArgs {
  /** Also divide by each bin's standard deviation over the clip (CMVN); default false (mean only, CMN). */
  readonly scale?: boolean;
  /** Added to the variance before the square root when `scale` is on. */
  readonly epsilon?: number;
  readonly name?: string;
  readonly inputShape?: number[];
}

/**
 * Subtracts, per clip and per frequency bin, the bin's mean over the clip's frames from an input of shape
 * [batch, frames, bins] (cepstral mean normalisation applied to log-mel rows), and with `scale` also divides by the
 * bin's standard deviation. A speaker's or a microphone's fixed spectral tilt is a constant per bin in the log
 * domain, so it cancels: the network sees how the spectrum moves within the clip, not where it sits. It lives in the
 * model rather than in the front end so the published preprocessor stays transformers.js's stock one; ONNX gets
 * ReduceMean and Sub (and Div/Sqrt with `scale`).
 */
export class UtteranceNormalization extends tf.layers.Layer {
  static readonly className = 'WhittleUtteranceNormalization';
  readonly scale: boolean;
  readonly epsilon: number;

  constructor(args: UtteranceNormalizationArgs = {}) {
    super(args);
    this.scale = args.scale ?? false;
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.epsilon > 0) || !Number.isFinite(this.epsilon)) {
      throw new ConfigError(`Argument 'epsilon' passed to 'UtteranceNormalization'${args.name === undefined ? '' : ` (layer '${args.name}')`} must be a finite number > 0; got ${String(args.epsilon)}`);
    }
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      if (x.rank !== 3) throw new ConfigError(`Layer '${this.name}' (UtteranceNormalization) needs input [batch, frames, bins]; got shape [${x.shape.join(', ')}]`);
      const centred = tf.sub(x, tf.mean(x, 1, true));
      if (!this.scale) return centred;
      const variance = tf.mean(tf.square(centred), 1, true);
      return tf.div(centred, tf.sqrt(tf.add(variance, this.epsilon)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale, epsilon: this.epsilon };
  }
}

// Loading (tf.loadLayersModel, modelFromJSON in gradient workers) needs the class registered in every process that imports this module.
tf.serialization.registerClass(UtteranceNormalization);

/** Build an UtteranceNormalization layer. @example model.add(utteranceNormalization({ inputShape: [98, 20], name: 'cmn' })) */
export function utteranceNormalization(args: UtteranceNormalizationArgs = {}): UtteranceNormalization {
  return new UtteranceNormalization(args);
}
