// vitest config for distill: the shared base, named so `vitest --project distill` selects it.
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.ts';

export default mergeConfig(sharedVitestConfig, defineProject({ test: { name: 'distill' } }));
