import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'public', '.data', 'coverage', 'scripts/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: './tsconfig.build.json',
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
  // Tests, the bench and the scripts are type-checked by tsc (npm run typecheck) but linted
  // without type information: with it the lint took over 30 s, mostly for no-unsafe-* on
  // supertest's and autocannon's untyped bodies. The type-aware rules (floating promises among
  // them) guard src and seeds, typed by tsconfig.build.json's smaller program (~20 s in all).
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', '*.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
  // The browser script is plain JavaScript outside the TypeScript project.
  {
    files: ['assets/js/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        document: 'readonly',
        window: 'readonly',
        navigator: 'readonly',
        setTimeout: 'readonly',
        fetch: 'readonly',
        FormData: 'readonly',
        URLSearchParams: 'readonly',
        DOMParser: 'readonly',
        HTMLFormElement: 'readonly',
      },
    },
  },
);
