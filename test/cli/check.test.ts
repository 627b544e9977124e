// `tenant-policy check` end to end: the real bundle over real files, as CI runs it. Covers the exit codes,
// the three formats, standard input, folders with include/exclude globs, --rule, --config and the
// discovered configuration, kustomize patches, and invalid-encoding (bytes that are not UTF-8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, diagnostics, ROOT, workspace } from './run';

const CLEAN = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  # Isolated for egress, so it keeps DNS (dns-egress-missing otherwise).
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - {protocol: UDP, port: 53}
        - {protocol: TCP, port: 53}
`;

/** A duplicate key: a syntax finding the engine reports whatever the schema says. */
const DUPLICATE = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: twice
  name: again
spec:
  podSelector: {}
`;

/** A misspelt field after a line of non-ASCII text (2 UTF-16 units for the emoji, 1 for each accent). */
const MISSPELT = `# Équipe réseau 🛡️ — accès à la base
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
  namespace: shop
spec:
  podSelector: {}
  polcyTypes: [Ingress]
`;

/** A Cilium policy with no rule at all: wrong as a manifest, fine as a patch that changes the description. */
const CILIUM_PATCH = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: allow-dns
spec:
  description: DNS for the shop
`;

test('exit 0 and a zero summary for a clean file', () => {
  const w = workspace({ 'clean.yaml': CLEAN });
  try {
    const r = cli(['check', 'clean.yaml'], { cwd: w.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '0 errors, 0 warnings, 0 infos in 1 file\n');
    assert.equal(r.stderr, '');
  } finally {
    w.cleanup();
  }
});

test('exit 1 on errors; text output is file:line:col: severity code message, then the summary', () => {
  const w = workspace({ 'dup.yaml': DUPLICATE, 'clean.yaml': CLEAN });
  try {
    const r = cli(['check', 'dup.yaml', 'clean.yaml'], { cwd: w.dir });
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^dup\.yaml:5:3: error duplicate-key The key name appears twice/);
    assert.equal(lines[lines.length - 1], '1 error, 0 warnings, 0 infos in 2 files');
  } finally {
    w.cleanup();
  }
});

test('warnings alone exit 0; --rule ID=off silences a rule; info means information', () => {
  const w = workspace({ 'dup.yaml': DUPLICATE });
  try {
    const warned = cli(['check', 'dup.yaml', '--rule', 'duplicate-key=warning', '--format', 'json'], { cwd: w.dir });
    assert.equal(warned.code, 0);
    assert.deepEqual(diagnostics(warned).map((d) => [d.code, d.severity]), [['duplicate-key', 'warning']]);

    const off = cli(['check', 'dup.yaml', '--rule=duplicate-key=off'], { cwd: w.dir });
    assert.equal(off.code, 0);
    assert.equal(off.stdout, '0 errors, 0 warnings, 0 infos in 1 file\n');

    const info = cli(['check', 'dup.yaml', '--rule', 'duplicate-key=info', '--format', 'json'], { cwd: w.dir });
    assert.deepEqual(diagnostics(info).map((d) => d.severity), ['information']);
  } finally {
    w.cleanup();
  }
});

test('exit 2 with a message on stderr: bad usage and unreadable input', () => {
  const cases: [string[], RegExp][] = [
    [[], /missing command/],
    [['check'], /at least one PATH/],
    [['check', 'no-such-file.yaml'], /no-such-file\.yaml: no such file or folder/],
    [['check', '.', '--format', 'xml'], /--format must be one of text, json, sarif/],
    [['check', '.', '--rule', 'bad'], /--rule takes ID=SEVERITY/],
    [['check', '.', '--rule', 'duplicate-keys=off'], /unknown rule id `duplicate-keys`; the closest is `duplicate-key`/],
    [['check', '.', '--rule', 'schema=loud'], /the severity must be off, error, warning, info/],
    [['check', '.', '--cilium-version', '1.19'], /--cilium-version must be 1\.18 or 1\.20/],
    [['check', '.', '--config', 'missing.yaml'], /cannot read the configuration missing\.yaml: no such file or folder/],
    [['check', '.', '--frmat', 'json'], /unknown option --frmat/],
    [['check', '-', '-'], /standard input \(-\) can be read only once/],
    [['chek', '.'], /unknown command `chek`; did you mean `check`\?/],
    [['connectivity'], /connectivity needs at least one PATH/],
    [['connectivity', '.', '--level', 'pod'], /--level must be one of workload, namespace, tenant/],
    [['explain', '.', '--from', 'a'], /explain needs --from NS\[\/WORKLOAD\] and --to NS\[\/WORKLOAD\]/],
    [['diff', 'a'], /give OLD_PATH and NEW_PATH/],
  ];
  const w = workspace({ 'clean.yaml': CLEAN });
  try {
    for (const [args, message] of cases) {
      const r = cli(args, { cwd: w.dir });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
    }
  } finally {
    w.cleanup();
  }
});

test('--help, --version and --list-rules', () => {
  const help = cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /tenant-policy check PATH\.\.\./);
  const checkHelp = cli(['check', '--help']);
  assert.equal(checkHelp.code, 0);
  assert.match(checkHelp.stdout, /--format text\|json\|sarif/);
  assert.match(checkHelp.stdout, /--cilium-version 1\.18\|1\.20/);

  const version = cli(['--version']);
  assert.equal(version.code, 0);
  assert.equal(version.stdout, `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);

  const rules = cli(['--list-rules']);
  assert.equal(rules.code, 0);
  assert.match(rules.stdout, /^config\s+error\s+The project configuration/m);
  assert.match(rules.stdout, /^invalid-encoding\s+error\s+/m);
  const json = JSON.parse(cli(['check', '--list-rules', '--format', 'json']).stdout) as { id: string; docs: string }[];
  assert.ok(json.some((r) => r.id === 'yaml-syntax' && r.docs.endsWith('/docs/rules/yaml-syntax.md')));
});

test('json: 0-based LSP positions in UTF-16 code units, after a line of non-ASCII text', () => {
  const w = workspace({ 'np.yaml': MISSPELT });
  try {
    const r = cli(['check', 'np.yaml', '--format', 'json'], { cwd: w.dir });
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(doc), ['diagnostics']);
    assert.deepEqual(doc.diagnostics, [
      {
        file: 'np.yaml',
        range: { start: { line: 8, character: 2 }, end: { line: 8, character: 12 } },
        severity: 'error',
        code: 'schema',
        message: doc.diagnostics[0].message,
        fixes: doc.diagnostics[0].fixes,
      },
    ]);
    assert.match(doc.diagnostics[0].message, /polcyTypes/);
    assert.deepEqual(doc.diagnostics[0].fixes, ['Rename to "policyTypes"']);
  } finally {
    w.cleanup();
  }
});

test('json: a finding on a non-ASCII line counts UTF-16 units', () => {
  // The shield emoji (U+1F6E1) is two UTF-16 units: the second `é` key starts at character 24, where
  // counting code points would say 23 and counting UTF-8 bytes 30.
  const text = 'labels: {é: 1, "🛡": 2, é: 3}\n';
  const w = workspace({ 'y.yaml': text });
  try {
    const [d] = diagnostics(cli(['check', 'y.yaml', '--format', 'json'], { cwd: w.dir }));
    assert.equal(d.code, 'duplicate-key');
    assert.deepEqual(d.range.start, { line: 0, character: 24 });
    assert.equal(text.indexOf('é: 3'), 24);
  } finally {
    w.cleanup();
  }
});

test('stdin: `-` reads a stream of manifests and reports it as <stdin>', () => {
  const stream = `${CLEAN}---\n${DUPLICATE}`;
  const text = cli(['check', '-'], { input: stream });
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^<stdin>:26:3: error duplicate-key /m);
  assert.match(text.stdout, /in 1 file\n$/);
  const json = diagnostics(cli(['check', '-', '--format', 'json'], { input: stream }));
  assert.deepEqual(json.map((d) => [d.file, d.range.start.line]), [['<stdin>', 25]]);
});

test('folders: recursive *.yaml and *.yml, through the include and exclude globs, paths as given', () => {
  const w = workspace({
    'repo/.tenant-policy.yaml': 'exclude:\n  - "skipped/**"\n  - "**/*.draft.yaml"\n',
    'repo/a.yaml': DUPLICATE,
    'repo/nested/deeper/b.yml': DUPLICATE,
    'repo/nested/c.yaml': CLEAN,
    'repo/nested/notes.txt': DUPLICATE,
    'repo/skipped/d.yaml': DUPLICATE,
    'repo/nested/e.draft.yaml': DUPLICATE,
  });
  try {
    const r = cli(['check', 'repo', '--format', 'json'], { cwd: w.dir });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(diagnostics(r).map((d) => d.file), [join('repo', 'a.yaml'), join('repo', 'nested', 'deeper', 'b.yml')]);
    const text = cli(['check', 'repo/'], { cwd: w.dir });
    assert.match(text.stdout, /in 3 files\n$/);

    // A narrower include, from an explicit configuration.
    const narrow = workspace({ 'only-yml.yaml': 'include: ["**/*.yml"]\n' });
    try {
      const n = cli(['check', 'repo', '--config', join(narrow.dir, 'only-yml.yaml'), '--format', 'json'], { cwd: w.dir });
      assert.deepEqual(diagnostics(n).map((d) => d.file), [join('repo', 'nested', 'deeper', 'b.yml')]);
    } finally {
      narrow.cleanup();
    }

    // A file named on the command line is checked whatever the globs say.
    const named = cli(['check', 'repo/skipped/d.yaml', '--format', 'json'], { cwd: w.dir });
    assert.deepEqual(diagnostics(named).map((d) => d.file), ['repo/skipped/d.yaml']);
  } finally {
    w.cleanup();
  }
});

test('an empty folder is not an error, but says so on stderr', () => {
  const w = workspace({ 'empty/readme.txt': 'nothing here' });
  try {
    const r = cli(['check', 'empty'], { cwd: w.dir });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '0 errors, 0 warnings, 0 infos in 0 files\n');
    assert.match(r.stderr, /no files to check in empty/);
  } finally {
    w.cleanup();
  }
});

test('configuration: discovered up to the repository root, its own problems reported, --rule on top', () => {
  const w = workspace({
    'outer/.tenant-policy.yaml': 'rules:\n  duplicate-key: off\n',
    'outer/repo/.git/HEAD': 'ref: refs/heads/main\n',
    'outer/repo/.tenant-policy.yaml': 'rules:\n  duplicate-key: warning\n  yaml-syntaks: off\n',
    'outer/repo/policies/dup.yaml': DUPLICATE,
    'outer/bare/.git/HEAD': 'ref: refs/heads/main\n',
    'outer/bare/dup.yaml': DUPLICATE,
  });
  try {
    const r = cli(['check', 'outer/repo/policies', '--format', 'json'], { cwd: w.dir });
    assert.equal(r.code, 1, 'the configuration has an unknown rule id: an error');
    const d = diagnostics(r);
    assert.deepEqual(d.map((x) => [x.file, x.code, x.severity]), [
      [join('outer', 'repo', '.tenant-policy.yaml'), 'config', 'error'],
      [join('outer', 'repo', 'policies', 'dup.yaml'), 'duplicate-key', 'warning'],
    ]);
    assert.match(d[0].message, /Unknown rule id `yaml-syntaks`\. The closest is `yaml-syntax`\./);
    assert.deepEqual(d[0].range.start, { line: 2, character: 2 });
    assert.deepEqual(d[0].fixes, ['Change to `yaml-syntax`']);

    const silenced = cli(['check', 'outer/repo/policies', '--rule', 'config=off', '--rule', 'duplicate-key=error'], { cwd: w.dir });
    assert.equal(silenced.code, 1);
    assert.match(silenced.stdout, /^outer\/repo\/policies\/dup\.yaml:5:3: error duplicate-key /m);
    assert.doesNotMatch(silenced.stdout, /tenant-policy\.yaml/);

    // The search stops at the repository root (.git): outer/.tenant-policy.yaml does not apply here.
    const bare = cli(['check', 'outer/bare', '--format', 'json'], { cwd: w.dir });
    assert.deepEqual(diagnostics(bare).map((x) => [x.code, x.severity]), [['duplicate-key', 'error']]);

    // --config wins over discovery; its path is shown as given.
    const explicit = cli(['check', 'outer/bare', '--config', 'outer/.tenant-policy.yaml'], { cwd: w.dir });
    assert.equal(explicit.code, 0);
    assert.equal(explicit.stdout, '0 errors, 0 warnings, 0 infos in 1 file\n');
  } finally {
    w.cleanup();
  }
});

test('kustomize: files a kustomization lists as patches are checked as partial objects', () => {
  const w = workspace({
    'base/kustomization.yaml': 'resources:\n  - policy.yaml\n',
    'base/policy.yaml': CLEAN,
    'overlay/kustomization.yaml': [
      'resources: [../base]',
      'patches:',
      '  - path: patches/cilium.yaml',
      '    target: {kind: CiliumNetworkPolicy}',
      '  - patch: |-',
      '      - op: remove',
      '        path: /spec',
      'patchesStrategicMerge:',
      '  - patches/strategic.yaml',
      '',
    ].join('\n'),
    'overlay/patches/cilium.yaml': CILIUM_PATCH,
    'overlay/patches/strategic.yaml': CILIUM_PATCH,
    'loose/cilium.yaml': CILIUM_PATCH,
  });
  try {
    const overlay = cli(['check', 'overlay', 'base'], { cwd: w.dir });
    assert.equal(overlay.code, 0, overlay.stdout);
    assert.match(overlay.stdout, /0 errors, 0 warnings, 0 infos in 5 files\n$/);

    // The same file outside any kustomization is a manifest, and an incomplete one.
    const loose = cli(['check', 'loose', '--format', 'json'], { cwd: w.dir });
    assert.equal(loose.code, 1);
    assert.deepEqual(diagnostics(loose).map((d) => d.code), ['schema']);

    // A patch named on the command line is still a patch of the kustomization beside it.
    const named = cli(['check', 'overlay/patches/strategic.yaml'], { cwd: w.dir });
    assert.equal(named.code, 1, 'patches/ has no kustomization of its own');
    const direct = workspace({ 'kustomization.yaml': 'patches:\n  - path: p.yaml\n', 'p.yaml': CILIUM_PATCH });
    try {
      assert.equal(cli(['check', 'p.yaml'], { cwd: direct.dir }).code, 0);
    } finally {
      direct.cleanup();
    }
  } finally {
    w.cleanup();
  }
});

test('invalid-encoding: bytes that are not UTF-8 are reported at the first bad byte', () => {
  // Latin-1 `é` (0xE9) in a comment: the rest of the file still reads, and is still checked.
  const before = Buffer.from('# Grüße\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: cafe # caf', 'utf8');
  const bytes = Buffer.concat([before, Buffer.from([0xe9]), Buffer.from('\n', 'utf8')]);
  const w = workspace({ 'latin1.yaml': bytes });
  try {
    const r = cli(['check', 'latin1.yaml', '--format', 'json'], { cwd: w.dir });
    assert.equal(r.code, 1);
    const d = diagnostics(r).filter((x) => x.code === 'invalid-encoding');
    assert.equal(d.length, 1);
    // Line 5 is `  name: cafe # caf` + the bad byte: character 18 (0-based), at byte offset 69 of the
    // file (`ü` and `ß` on line 1 are two bytes each, one UTF-16 unit each).
    assert.deepEqual(d[0].range, { start: { line: 4, character: 18 }, end: { line: 4, character: 19 } });
    assert.equal(before.length, 69);
    assert.match(d[0].message, /not valid UTF-8 \(the byte 0xe9 at byte offset 69\)/);

    const text = cli(['check', 'latin1.yaml', '--rule', 'invalid-encoding=off'], { cwd: w.dir });
    assert.equal(text.code, 0, text.stdout);
  } finally {
    w.cleanup();
  }
});

test('a stream larger than the editor limit is analysed whole, in pieces, with file positions', () => {
  // Just over MAX_FILE_CHARS (20 Mi characters) of small documents, then one with a duplicate key.
  const filler = `---\n# ${'x'.repeat(1000)}\nkind: ConfigMap\n`;
  const count = Math.ceil((20 * 1024 * 1024) / filler.length) + 10;
  const stream = filler.repeat(count) + `---\n${DUPLICATE}`;
  const r = cli(['check', '-', '--format', 'json'], { input: stream });
  const d = diagnostics(r);
  assert.deepEqual(d.map((x) => x.code), ['duplicate-key'], 'no file-too-large: the CLI checks it all');
  assert.equal(d[0].range.start.line, count * 3 + 5);
});

test('a .tenant-policy.yaml named on the command line is checked as a configuration, once', () => {
  const w = workspace({
    '.tenant-policy.yaml': 'ciliumVersion: "1.20"\nrules:\n  schema: loud\n',
    'other/.tenant-policy.yaml': 'inclde: []\n',
  });
  try {
    const r = cli(['check', '.tenant-policy.yaml', 'other/.tenant-policy.yaml', '--format', 'json'], { cwd: w.dir });
    assert.equal(r.code, 1);
    assert.deepEqual(diagnostics(r).map((d) => [d.file, d.code, d.range.start.line]), [
      ['.tenant-policy.yaml', 'config', 2],
      ['other/.tenant-policy.yaml', 'config', 0],
    ]);
  } finally {
    w.cleanup();
  }
});

test('--cilium-version accepts the supported versions', () => {
  const w = workspace({ 'clean.yaml': CLEAN });
  try {
    for (const v of ['1.18', '1.20']) assert.equal(cli(['check', 'clean.yaml', '--cilium-version', v], { cwd: w.dir }).code, 0);
    assert.equal(cli(['check', 'clean.yaml', '--cilium-version=1.20'], { cwd: w.dir }).code, 0);
  } finally {
    w.cleanup();
  }
});

test('a placeholder Capsule does not know, in a GlobalTenantResource beside its Tenant; --rule turns it off', () => {
  const tenant = 'apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nmetadata:\n  name: solar\nspec:\n  owners:\n    - kind: User\n      name: alice\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: solar-dev\n  labels:\n    capsule.clastix.io/tenant: solar\n';
  const gtr = [
    'apiVersion: capsule.clastix.io/v1beta2',
    'kind: GlobalTenantResource',
    'metadata:',
    '  name: defaults',
    'spec:',
    '  resources:',
    '    - rawItems:',
    '        - apiVersion: networking.k8s.io/v1',
    '          kind: NetworkPolicy',
    '          metadata:',
    '            name: deny-all',
    '            labels:',
    '              owner: "{{ tenant.nmae }}"',
    '          spec:',
    '            podSelector: {}',
    '',
  ].join('\n');
  const w = workspace({ 'tenant.yaml': tenant, 'gtr.yaml': gtr });
  try {
    const r = cli(['check', '.', '--format', 'json'], { cwd: w.dir });
    const found = diagnostics(r).filter((d: { code: string }) => d.code === 'capsule-template-unknown');
    assert.equal(found.length, 1, r.stdout);
    assert.equal(found[0].file, './gtr.yaml');
    assert.deepEqual(found[0].range, { start: { line: 12, character: 22 }, end: { line: 12, character: 39 } });
    const off = cli(['check', '.', '--rule', 'capsule-template-unknown=off', '--format', 'json'], { cwd: w.dir });
    assert.ok(!diagnostics(off).some((d: { code: string }) => d.code === 'capsule-template-unknown'));
  } finally {
    w.cleanup();
  }
});

test('--inventory joins the model without being reported on; an unreadable one exits 2 before any output', () => {
  // The export has a duplicate key: it is the cluster's, not the repository's, so check says nothing of it.
  const inventory = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Namespace\n    metadata:\n      name: shop\n      name: shop\n';
  const w = workspace({ 'policies/clean.yaml': CLEAN, 'export.yaml': inventory });
  try {
    const r = cli(['check', 'policies', '--inventory', 'export.yaml', '--format', 'json'], { cwd: w.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(diagnostics(r), []);
    const bad = cli(['check', 'policies', '--inventory', 'missing.yaml', '--format', 'json'], { cwd: w.dir });
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /cannot read the inventory missing\.yaml/);
  } finally {
    w.cleanup();
  }
});
