// One lint config for the whole workspace: each package's `lint` script runs `eslint .`,
// and ESLint finds this file by walking up from the package folder. Formatting is Prettier's
// (`npm run format`; `npm run lint` checks it), so ESLint's formatting rules are off.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.serverless/**',
      '**/.esbuild/**',
      '**/src/generated/**',
      '**/.local/**',
      '**/coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='only']", message: 'No focused tests on main.' },
        { selector: "CallExpression[callee.property.name='skip']", message: 'No skipped tests on main.' },
        { selector: "NewExpression[callee.name='ScanCommand']", message: 'No Scan: every access pattern is served by a key or an index.' },
      ],
    },
  },
  prettier,
);
