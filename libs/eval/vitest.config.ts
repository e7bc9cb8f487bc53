// vitest config for eval: the shared base, named so `vitest --project eval` selects it.
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.ts';

export default mergeConfig(sharedVitestConfig, defineProject({ test: { name: 'eval' } }));
