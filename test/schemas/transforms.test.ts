// The transformations the validator relies on, checked on the generated schemas and on the generator's
// exported helpers (for cases the current upstream data does not contain, e.g. `nullable`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import { SCHEMAS } from '../../schemas/index';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Generator {
  transformSchema(schema: unknown, ctx?: Record<string, unknown>, where?: string): any;
  translatePattern(pattern: string): string;
  deprecationMessage(description: string): string | undefined;
}
// A computed specifier keeps tsc from looking for declarations of the plain-JS generator.
const generatorUrl = pathToFileURL(path.join(repoRoot, 'scripts', 'generate-schemas.mjs')).href;
const loadGenerator = (): Promise<Generator> => import(generatorUrl);

function schemaOf(apiVersion: string, kind: string, ciliumVersion?: string): any {
  const e = SCHEMAS.find((s) => s.apiVersion === apiVersion && s.kind === kind && s.ciliumVersion === ciliumVersion);
  assert.ok(e, `${apiVersion} ${kind} ${ciliumVersion ?? ''}`);
  return e.schema;
}

/** Follows a JSON pointer (with `#/definitions/...` refs resolved when a segment is missing). */
function at(schema: any, pointer: string): any {
  let node = schema;
  for (const raw of pointer.replace(/^#\//, '').split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    while (node && !(seg in node) && typeof node.$ref === 'string') node = at(schema, node.$ref);
    node = node?.[seg];
    assert.ok(node !== undefined, `no ${pointer} (at ${seg})`);
  }
  return node;
}

function walk(node: any, visit: (n: any, where: string) => void, where = '#'): void {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, visit, `${where}/${i}`));
  else if (node && typeof node === 'object') {
    visit(node, where);
    for (const [k, v] of Object.entries(node)) {
      if (k === 'enum' || k === 'default' || k === 'x-kubernetes-validations' || k === 'x-kubernetes-group-version-kind') continue;
      walk(v, visit, `${where}/${k}`);
    }
  }
}

test('schemas are self-contained: every $ref points into the same file', () => {
  for (const e of SCHEMAS) {
    walk(e.schema, (n, where) => {
      if (typeof n.$ref !== 'string') return;
      assert.match(n.$ref, /^#\/definitions\/[\w.-]+$/, `${e.file} ${where}`);
      assert.ok(e.schema.definitions[n.$ref.slice('#/definitions/'.length)], `${e.file} ${where}: dangling ${n.$ref}`);
    });
  }
});

test('no OpenAPI-only constructs are left', () => {
  for (const e of SCHEMAS) {
    walk(e.schema, (n, where) => {
      assert.ok(!('nullable' in n), `${e.file} ${where}: nullable`);
      if (Array.isArray(n.allOf)) assert.ok(!(n.allOf.length === 1 && Object.keys(n.allOf[0]).length === 1 && n.allOf[0].$ref), `${e.file} ${where}: allOf [$ref]`);
      if (n['x-kubernetes-int-or-string'] === true) {
        assert.deepEqual(n.type, ['integer', 'string'], `${e.file} ${where}`);
        assert.ok(!n.anyOf && !n.oneOf, `${e.file} ${where}: int-or-string alternatives left`);
      }
    });
  }
});

test('typed objects with properties are closed unless they preserve unknown fields', () => {
  for (const e of SCHEMAS) {
    walk(e.schema, (n, where) => {
      const types = Array.isArray(n.type) ? n.type : [n.type];
      if (!types.includes('object') || !n.properties) return;
      if (n['x-kubernetes-preserve-unknown-fields'] === true) assert.equal(n.additionalProperties, undefined, `${e.file} ${where}`);
      else assert.notEqual(n.additionalProperties, undefined, `${e.file} ${where}: open object`);
    });
  }
});

test('combinator branches (Cilium oneOf/anyOf) are not closed', () => {
  const spec = at(schemaOf('cilium.io/v2', 'CiliumNetworkPolicy', '1.18'), '#/properties/spec');
  for (const branch of [...spec.oneOf, ...spec.anyOf]) assert.equal(branch.additionalProperties, undefined);
});

test('IntOrString: Kubernetes definition and CRD int-or-string fields', () => {
  const np = schemaOf('networking.k8s.io/v1', 'NetworkPolicy');
  assert.deepEqual(np.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].type, ['integer', 'string']);
  assert.equal(np.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].oneOf, undefined);
  const tenant = schemaOf('capsule.clastix.io/v1beta2', 'Tenant');
  const port = at(tenant, '#/properties/spec/properties/networkPolicies/properties/items/items/properties/ingress/items/properties/ports/items/properties/port');
  assert.deepEqual(port.type, ['integer', 'string']);
  assert.equal(port.anyOf, undefined);
});

test('CRD metadata is validated as ObjectMeta', () => {
  for (const e of SCHEMAS.filter((s) => !s.file.startsWith('core/') && !/^(apps|batch|networking\.k8s\.io)\//.test(s.file))) {
    assert.equal(e.schema.properties.metadata.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', e.file);
    assert.equal(e.schema.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].additionalProperties, false, e.file);
  }
});

test('required with default: dropped for CRDs, kept for Kubernetes built-ins', () => {
  for (const kind of ['TenantResource', 'GlobalTenantResource']) {
    const spec = at(schemaOf('capsule.clastix.io/v1beta2', kind), '#/properties/spec');
    assert.deepEqual(spec.required, ['resources'], kind);
    assert.equal(spec.properties.resyncPeriod.default, '60s');
  }
  // Kubernetes' OpenAPI gives every required string its Go zero value as default; the API server still requires it.
  const pod = schemaOf('v1', 'Pod');
  assert.deepEqual(pod.definitions['io.k8s.api.core.v1.Container'].required, ['name']);
  assert.equal(pod.definitions['io.k8s.api.core.v1.Container'].properties.name.default, '');
});

test('deprecated fields are marked, and only those', () => {
  const t2 = schemaOf('capsule.clastix.io/v1beta2', 'Tenant');
  const np = at(t2, '#/properties/spec/properties/networkPolicies');
  assert.equal(np.deprecated, true);
  assert.equal(np['x-deprecation-message'], 'Deprecated: Use Tenant Replications instead (https://projectcapsule.dev/docs/replications/)');
  const fl = at(t2, '#/properties/spec/properties/namespaceOptions/properties/forbiddenLabels');
  assert.equal(fl['x-deprecation-message'], 'Deprecated: Use Rules Metadata instead (https://projectcapsule.dev/docs/rules/enforcement/metadata/#namespace)');
  assert.equal(at(t2, '#/properties/spec/properties/owners').deprecated, undefined);
  assert.equal(at(t2, '#/properties/spec/properties/namespaceOptions').deprecated, undefined);
  // v1beta1 descriptions do not deprecate networkPolicies.
  assert.equal(at(schemaOf('capsule.clastix.io/v1beta1', 'Tenant'), '#/properties/spec/properties/networkPolicies').deprecated, undefined);

  const pod = schemaOf('v1', 'Pod');
  const sa = pod.definitions['io.k8s.api.core.v1.PodSpec'].properties.serviceAccount;
  assert.equal(sa.deprecated, true);
  assert.equal(sa['x-deprecation-message'], 'DeprecatedServiceAccount is a deprecated alias for ServiceAccountName. Deprecated: Use serviceAccountName instead.');
  assert.equal(pod.definitions['io.k8s.api.core.v1.PodSpec'].properties.serviceAccountName.deprecated, undefined);
  const git = pod.definitions['io.k8s.api.core.v1.Volume'].properties.gitRepo;
  assert.equal(git['x-deprecation-message'], "Deprecated: GitRepo is deprecated. To provision a container with a git repo, mount an EmptyDir into an InitContainer that clones the repo using git, then mount the EmptyDir into the Pod's container.");

  const cnp20 = at(schemaOf('cilium.io/v2', 'CiliumNetworkPolicy', '1.20'), '#/properties/spec/properties/ingress/items/properties/fromRequires');
  assert.equal(cnp20.deprecated, true);
  assert.equal(cnp20.maxItems, 0);
  const cnp18 = at(schemaOf('cilium.io/v2', 'CiliumNetworkPolicy', '1.18'), '#/properties/spec/properties/ingress/items/properties/fromRequires');
  assert.equal(cnp18.deprecated, undefined);
});

test('deprecationMessage: a deprecated value or annotation does not deprecate the field', async () => {
  const { deprecationMessage } = await loadGenerator();
  assert.equal(deprecationMessage('Valid options are Retain (default), Delete, and Recycle (deprecated).'), undefined);
  assert.equal(deprecationMessage('However, even though the annotation is officially deprecated, controllers should still honor it.'), undefined);
  assert.equal(deprecationMessage('The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces.'), undefined);
  assert.equal(deprecationMessage('Deprecated: will be removed in a future release\n\nMatch elements by regex.'), 'Deprecated: will be removed in a future release');
  assert.equal(deprecationMessage('List of namespaces assigned to the Tenant. (Deprecated)'), 'List of namespaces assigned to the Tenant. (Deprecated)');
  assert.equal(
    deprecationMessage('Any changes will set this to "Proposed" Deprecated: Resize status is moved to two pod conditions.'),
    'Deprecated: Resize status is moved to two pod conditions.',
  );
});

test('nullable: true adds null to type (and enum)', async () => {
  // No upstream schema uses nullable today; the transformation is checked on a synthetic schema.
  const { transformSchema } = await loadGenerator();
  const out = transformSchema({
    type: 'object',
    properties: {
      note: { type: 'string', nullable: true },
      mode: { type: 'string', enum: ['a', 'b'], nullable: true },
      strict: { type: 'string', nullable: false },
    },
  });
  assert.deepEqual(out.properties.note, { type: ['string', 'null'] });
  assert.deepEqual(out.properties.mode, { type: ['string', 'null'], enum: ['a', 'b', null] });
  assert.deepEqual(out.properties.strict, { type: 'string' });
  const validate = new Ajv({ strict: false, allErrors: true }).compile(out);
  assert.ok(validate({ note: null, mode: null }));
  assert.ok(validate({ note: 'x', mode: 'a' }));
  assert.ok(!validate({ strict: null }));
  assert.ok(!validate({ mode: 'c' }));
  assert.ok(!validate({ other: 1 }));
});

test('metav1.Time is nullable (creationTimestamp: null from kubectl --dry-run)', () => {
  for (const e of SCHEMAS) {
    const time = e.schema.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.Time'];
    assert.deepEqual(time.type, ['string', 'null'], e.file);
  }
});

test('translatePattern: RE2 syntax and nested quantifiers become equivalent, linear JavaScript patterns', async () => {
  const { translatePattern } = await loadGenerator();
  assert.equal(translatePattern('^\\PC*$'), '^\\P{C}*$');
  assert.equal(translatePattern('^[a-z]+\\.\\pL$'), '^[a-z]+\\.\\p{L}$');
  assert.equal(translatePattern('^\\\\PC$'), '^\\\\PC$', 'an escaped backslash followed by PC is not a class');
  const cases = ['^([-a-zA-Z0-9_]+[.]?)+$', '^([-a-zA-Z0-9_*]+[.]?)+$', '^(\\*?\\*\\.)?([-a-zA-Z0-9_]+\\.?)+$'];
  const alphabet = ['a', '-', '.', '*', '!'];
  for (const original of cases) {
    const translated = translatePattern(original);
    assert.notEqual(translated, original);
    const a = new RegExp(original, 'u');
    const b = new RegExp(translated, 'u');
    // Same language on every string of up to 6 characters over an alphabet covering all the classes.
    let strings = [''];
    for (let len = 0; len <= 6; len++) {
      for (const s of strings) assert.equal(b.test(s), a.test(s), `${original} vs ${translated} on ${JSON.stringify(s)}`);
      strings = strings.flatMap((s) => alphabet.map((c) => s + c));
    }
    const started = performance.now();
    assert.equal(b.test('a'.repeat(5000) + '!'), false);
    assert.ok(performance.now() - started < 50, `${translated} is slow`);
  }
});
