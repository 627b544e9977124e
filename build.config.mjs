// The esbuild options of each bundle, shared by esbuild.mjs and by the tests that rebuild one bundle.
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // JSON schemas are imported as modules so the bundle needs no files beside it.
  loader: { '.json': 'json' },
};

export const BUNDLES = {
  client: { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  server: { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  cli: { ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  webview: { ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['client/webview/main.ts'], outfile: 'dist/webview.js' },
};
