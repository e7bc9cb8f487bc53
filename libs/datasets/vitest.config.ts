// vitest config for datasets: the shared base, named so `vitest --project datasets` selects it.
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.ts';

export default mergeConfig(sharedVitestConfig, defineProject({ test: { name: 'datasets' } }));
