// vitest config for workbench: the shared base, named so `vitest --project workbench` selects it.
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.ts';

export default mergeConfig(sharedVitestConfig, defineProject({ test: { name: 'workbench' } }));
