// Lint: only what the type checker cannot see, chiefly the one-way dependency rule between projects.
import nx from '@nx/eslint-plugin';
import tsParser from '@typescript-eslint/parser';

export default [
  ...nx.configs['flat/base'],
  { ignores: ['**/node_modules', '**/dist', '.nx', '.cache', 'models', 'scripts/*-tmp.*'] },
  {
    files: ['libs/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    languageOptions: { parser: tsParser },
    rules: {
      // Data flows one way: datasets -> distill -> quantize -> eval; only the app drives them all.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:datasets', onlyDependOnLibsWithTags: ['scope:datasets'] },
            { sourceTag: 'scope:distill', onlyDependOnLibsWithTags: ['scope:datasets'] },
            { sourceTag: 'scope:quantize', onlyDependOnLibsWithTags: ['scope:datasets', 'scope:distill'] },
            { sourceTag: 'scope:eval', onlyDependOnLibsWithTags: ['scope:datasets', 'scope:distill', 'scope:quantize'] },
            { sourceTag: 'scope:workbench', onlyDependOnLibsWithTags: ['scope:datasets', 'scope:distill', 'scope:quantize', 'scope:eval'] },
          ],
        },
      ],
    },
  },
];
