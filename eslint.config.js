import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'public', '.data', 'coverage', 'scripts/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // knex's generics "infer" row types from a cast; the cast is the clearest way to type a row.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false } },
      ],
      // A module adds its services to `Services` as `interface Services extends ReturnType<…> {}`.
      '@typescript-eslint/no-empty-object-type': [
        'error',
        { allowInterfaces: 'with-single-extends' },
      ],
    },
  },
  { files: ['eslint.config.js', 'vitest.config.ts'], ...tseslint.configs.disableTypeChecked },
  // Tests and the bench are type-checked by tsc (npm run typecheck) but linted without type
  // information: with it the lint took over 30 s, mostly for no-unsafe-* on supertest's and
  // autocannon's untyped bodies. The type-aware rules (floating promises among them) guard src.
  { files: ['test/**/*.ts', 'bench/**/*.ts'], ...tseslint.configs.disableTypeChecked },
  // The browser script is plain JavaScript outside the TypeScript project.
  {
    files: ['assets/js/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { document: 'readonly', window: 'readonly' },
    },
  },
);
