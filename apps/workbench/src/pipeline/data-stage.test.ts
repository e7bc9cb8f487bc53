// The synth configs the job asks for, and the cache keys that decide whether a machine regenerates its data.
import { describe, expect, it } from 'vitest';
import { resolveSynthConfig } from '@whittle/datasets';
import { configHash } from '../runtime/provenance.ts';
import { synthConfigFor, unseenSynthConfigFor } from './data-stage.ts';
import { DEFAULT_KEYWORD_SPOTTER_CONFIG, TINY_KEYWORD_SPOTTER_CONFIG } from './keyword-spotter-config.ts';

describe('unseenSynthConfigFor', () => {
  it('keeps the festival set cache key every machine already has (a change regenerates ~3 minutes of byte-identical clips)', () => {
    expect(configHash(unseenSynthConfigFor(DEFAULT_KEYWORD_SPOTTER_CONFIG))).toBe('ccec84c0f9d7385a');
    expect(configHash(unseenSynthConfigFor(TINY_KEYWORD_SPOTTER_CONFIG))).toBe('d10c55a164c53fa1');
  });

  it('is a festival-only, all-testing set that resolveSynthConfig accepts', () => {
    const unseen = resolveSynthConfig(unseenSynthConfigFor(DEFAULT_KEYWORD_SPOTTER_CONFIG));
    expect(unseen.splits).toBe('all-testing');
    expect(unseen.espeakVoices).toEqual([]);
    expect(unseen.fliteVoices).toEqual([]);
    expect(unseen.festivalVoices.length).toBe(3);
  });
});
