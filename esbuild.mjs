// Bundles the client, the server and the CLI into dist/. `--production` minifies; `--watch` rebuilds.
import * as esbuild from 'esbuild';
import { BUNDLES } from './build.config.mjs';

const builds = Object.values(BUNDLES);
if (process.argv.includes('--watch')) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
