// The configuration fixtures, shared by the parser tests and the editor-schema tests: fixtures/valid and
// fixtures/invalid, each `<name>.yaml` with an optional `<name>.config.json` beside it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectConfig } from '../../server/src/engine';

const fixtures = join(__dirname, 'fixtures');

export interface ConfigFixture {
  /** `valid/<file>` or `invalid/<file>`. */
  name: string;
  text: string;
  /** (Part of) the configuration the parser must produce, from the sibling `.config.json`. */
  config?: Partial<ProjectConfig>;
}

export function configFixtures(kind: 'valid' | 'invalid'): ConfigFixture[] {
  return readdirSync(join(fixtures, kind))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(fixtures, kind, f), 'utf8');
      const json = join(fixtures, kind, f.replace(/\.yaml$/, '.config.json'));
      return { name: `${kind}/${f}`, text, config: existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : undefined };
    });
}
