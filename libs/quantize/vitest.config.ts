// vitest config for quantize: the shared base, named so `vitest --project quantize` selects it.
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.ts';

export default mergeConfig(sharedVitestConfig, defineProject({ test: { name: 'quantize' } }));
