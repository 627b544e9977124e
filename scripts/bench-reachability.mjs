#!/usr/bin/env node
// npm run bench:reachability: the reachability engine on clusters shaped like real multi-tenant ones,
// side by side with a naive evaluator (bench/naive-evaluator.mjs), in one run. See bench/reachability.md.
//
// Workspaces: ../shared/bench/workspace-600ns (a smaller real start), and the clusters scripts/gen-cluster.mjs
// generates at 1× (600 namespaces, 150 tenants, 5,000 workloads, 14,000 NetworkPolicies, a quarter of them
// selecting nothing) and 10×, written under .bench-out/cluster-<n>x/ (reused while the generator's version
// and seed match).
//
// For each workspace, in a fresh child process (so that each figure has its own peak memory):
//   engine: reads the files; the engine parses and validates them (Engine.analyzeFile), extracts the model
//           and assembles the workspace (extractFile, buildWorkspaceModel); then, timed on its own, the
//           facade answers the full workload × workload matrix (external ranges included). Then two
//           one-policy edits (the ports of one policy, then its pod selector): the file's new text is
//           re-analysed and the facade updated incrementally; timed until the new rows of the affected
//           workloads are available, and the incremental answer is checked against a fresh facade.
//           The engine is the TypeScript sources bundled by esbuild into .bench-out/ (as dist/ is built).
//   naive:  reads the same files with the `yaml` package and evaluates pod × policy × pod. At 1× and on
//           the 600-namespace workspace it answers the full matrix ("hoisted" mode: each workload's
//           selecting policies found once); its answer is compared with the engine's pair by pair (and
//           external addresses range by range). The literal triple loop ("strict" mode: every pair scans
//           every policy) runs on 1,000 random pairs and is extrapolated. At every scale the hoisted mode
//           also answers 100 whole rows (a source with every destination and every external range)
//           picked at random, and 20,000 pairs the engine says are connected: at 10× that is the
//           comparison with the engine, and the time per row × the number of workloads (plus the
//           measured cost of finding every workload's policies) is the extrapolated full-matrix time —
//           the full run would take about an hour; at 1× the extrapolation is shown beside the measure.
// The edits are checked against the naive evaluator too: the pairs of the edited namespace, after each edit.
//
// Output: a table on stdout, every figure in .bench-out/reachability.json. Not part of the tests.
//
//   node scripts/bench-reachability.mjs [--scales 1,10] [--seed 4242] [--sample-rows 100] [--sample-pairs 20000] [--strict-sample 1000]
//                                       [--no-workspace] [--no-naive] [--no-build]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { mulberry32 } from './gen-cluster.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, '.bench-out');
const BUNDLE = join(outDir, 'reachability-engine.cjs');
const SELF = fileURLToPath(import.meta.url);

// ---- options ----------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const o = { scales: [1, 10], seed: 4242, sampleRows: 100, samplePairs: 20000, strictSample: 1000, workspace: true, naive: true, build: true, child: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--scales') o.scales = next().split(',').map(Number);
    else if (a === '--seed') o.seed = Number(next());
    else if (a === '--sample-rows') o.sampleRows = Number(next());
    else if (a === '--sample-pairs') o.samplePairs = Number(next());
    else if (a === '--strict-sample') o.strictSample = Number(next());
    else if (a === '--no-workspace') o.workspace = false;
    else if (a === '--no-naive') o.naive = false;
    else if (a === '--no-build') o.build = false;
    else if (a === '--child') o.child = JSON.parse(next());
    else {
      console.error(`unknown option ${a}`);
      process.exit(2);
    }
  }
  return o;
}

// ---- helpers --------------------------------------------------------------------------------------------

const ms = (t0) => performance.now() - t0;
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

function yamlFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}


/**
 * The two edits, applied to the text of the edited file: in the document of the edited policy, the
 * ports (`port: http` → `port: 8443`), then also the pod selector (`tier: frontend` → `tier: backend`).
 */
export function applyEdit(text, policy, which) {
  const docs = text.split(/^(?=---$)/m);
  const i = docs.findIndex((d) => new RegExp(`^  name: ${policy}$`, 'm').test(d));
  if (i === -1) throw new Error(`policy ${policy} not found in the edited file`);
  let d = docs[i].replace(/^(\s+)port: http$/m, '$1port: 8443');
  if (which === 'selector') d = d.replace(/^(\s+)tier: frontend$/m, '$1tier: backend');
  if (d === docs[i]) throw new Error('the edit changed nothing');
  docs[i] = d;
  return docs.join('');
}

// ---- the engine, in a child process ---------------------------------------------------------------------

async function engineChild(job) {
  const E = createRequire(import.meta.url)(BUNDLE);
  const result = { workspace: job.name };
  let t = performance.now();
  const files = yamlFiles(job.dir).map((abs) => ({ abs, uri: pathToFileURL(abs).href, text: readFileSync(abs, 'utf8') }));
  result.readMs = ms(t);

  t = performance.now();
  const engine = new E.Engine();
  const analyses = files.map((f) => engine.analyzeFile({ uri: f.uri, text: f.text }));
  result.analyzeMs = ms(t);
  t = performance.now();
  const fileModels = analyses.map((a) => E.extractFile(a, 'declared'));
  const model = E.buildWorkspaceModel(fileModels);
  result.modelMs = ms(t);
  result.counts = { files: files.length, namespaces: model.namespaces.size, workloads: model.workloads.length, policies: model.policies.length };

  // The full workload matrix: the facade's index, then every row (the rows `connectivity` prints).
  t = performance.now();
  let facade = new E.Reachability(model);
  result.indexMs = ms(t);
  t = performance.now();
  const connections = facade.connections('workload');
  result.matrixMs = ms(t);
  result.totalMs = result.indexMs + result.matrixMs;
  result.rows = connections.length;
  result.classes = facade.evaluator.classCount;
  // The engine's high-water mark: loading, indexing and every row, before the bench's own bookkeeping.
  result.peakMb = maxRssMb();
  const rows = connections.map((c) => ({ src: c.src, dst: c.dst, srcKind: c.srcKind, dstKind: c.dstKind, conns: c.conns.toString() }));
  if (job.answer) writeAnswer(job.answer, rows);
  writeSample(job, model, rows);

  // One-policy edits, through the facade's incremental update (as the editor does on a keystroke).
  if (job.edit) {
    result.edits = [];
    const index = files.findIndex((f) => f.abs === join(job.dir, job.edit.file));
    const file = files[index];
    for (const which of ['ports', 'selector']) {
      const edited = applyEdit(file.text, job.edit.policy, which);
      const edit = { which };
      t = performance.now();
      const analysis = engine.analyzeFile({ uri: file.uri, text: edited });
      fileModels[index] = E.extractFile(analysis, 'declared');
      edit.parseMs = ms(t);
      let t1 = performance.now();
      const editedModel = E.buildWorkspaceModel(fileModels);
      edit.assembleMs = ms(t1);
      t1 = performance.now();
      const update = facade.update(editedModel);
      edit.updateMs = ms(t1);
      edit.update = update;
      t1 = performance.now();
      const affectedRows = E.rowsOfNamespace(facade, job.edit.namespace);
      edit.rowsMs = ms(t1);
      edit.totalMs = ms(t);
      edit.affectedRows = affectedRows.length;
      // The whole new matrix, for comparison with a fresh start.
      t1 = performance.now();
      edit.rows = facade.connections('workload').length;
      edit.fullMatrixMs = ms(t1);
      // The incremental answer must be what a fresh facade says about the edited workspace.
      t1 = performance.now();
      const fresh = new E.Reachability(editedModel);
      const expected = E.rowsOfNamespace(fresh, job.edit.namespace);
      edit.freshIndexMs = ms(t1);
      edit.incrementalMismatches = compareRows(affectedRows, expected);
      if (job.editAnswers) writeAnswer(`${job.editAnswers}.${which}`, affectedRows);
      result.edits.push(edit);
    }
    facade = undefined;
  }
  result.maxRssMb = maxRssMb();
  return result;
}

function rowKey(r) {
  return `${r.src}\t${r.dst}\t${r.conns}`;
}

function compareRows(a, b) {
  const x = new Set(a.map(rowKey));
  const y = new Set(b.map(rowKey));
  let n = 0;
  for (const k of x) if (!y.has(k)) n++;
  for (const k of y) if (!x.has(k)) n++;
  return n;
}

function writeAnswer(path, rows) {
  const out = [];
  for (const r of rows) out.push(rowKey(r));
  writeFileSync(path, `${out.join('\n')}\n`);
}

/**
 * What the naive evaluator checks without running the full matrix: whole rows (every destination, and
 * the external ranges both ways) of a few source workloads picked at random — rows, not scattered pairs,
 * so that the time per row is what a full run spends per row —, plus random pairs the engine says are
 * connected (the matrix is sparse: uniform pairs would rarely test an allowed connection).
 */
function writeSample(job, model, rows) {
  const rnd = mulberry32(job.seed);
  const ids = model.workloads.map((w) => w.id).sort();
  const sources = new Set();
  while (sources.size < Math.min(job.sampleRows, ids.length)) sources.add(ids[Math.floor(rnd() * ids.length)]);
  const internal = rows.filter((r) => r.srcKind !== 'External' && r.dstKind !== 'External');
  const connected = [];
  for (let i = 0; i < job.samplePairs && internal.length > 0; i++) {
    const r = internal[Math.floor(rnd() * internal.length)];
    connected.push([r.src, r.dst, r.conns]);
  }
  const sampledRows = rows.filter((r) => sources.has(r.src) || (r.srcKind === 'External' && sources.has(r.dst))).map((r) => [r.src, r.dst, r.conns]);
  writeFileSync(job.sampleOut, JSON.stringify({ workloads: ids.length, sources: [...sources], rows: sampledRows, connected }));
}

// ---- the naive evaluator, in a child process --------------------------------------------------------

async function naiveChild(job) {
  const N = await import(pathToFileURL(join(root, 'bench', 'naive-evaluator.mjs')).href);
  const result = { workspace: job.name };
  let t = performance.now();
  const objects = N.readObjects([job.dir]);
  const cluster = N.buildCluster(objects);
  result.loadMs = ms(t);
  result.counts = { namespaces: cluster.namespaces.size, workloads: cluster.workloads.length, policies: cluster.policies.length };
  const byId = new Map(cluster.workloads.map((w) => [w.id, w]));
  const ev = new N.NaiveEvaluator(cluster, 'hoisted');
  const endpoint = (id) => ({ type: 'workload', workload: byId.get(id) });
  const W = cluster.workloads.length;
  const pairsTotal = W * (W - 1) + W * (ev.ranges.sources.length + ev.ranges.destinations.length);
  result.pairsTotal = pairsTotal;

  if (job.full) {
    t = performance.now();
    ev.hoist();
    result.hoistMs = ms(t);
    t = performance.now();
    const answer = N.naiveAnswer(ev);
    result.matrixMs = ms(t);
    result.totalMs = result.hoistMs + result.matrixMs;
    result.rows = answer.pairs.size + [...answer.external.values()].reduce((n, l) => n + l.length, 0);
    result.peakMb = maxRssMb();
    result.selectingNothing = cluster.policies.length - new Set([...ev.selecting.values()].flat()).size;
    if (job.engineAnswer && existsSync(job.engineAnswer)) {
      const engine = readAnswer(N, job.engineAnswer);
      const d = answer.compare(engine, 10);
      result.mismatches = d.count;
      result.mismatchSamples = d.samples;
    }
  }

  // Strict mode on a uniform sample of workload pairs (its cost per pair hardly depends on the pair), extrapolated.
  const rnd = mulberry32(job.seed);
  const ids = cluster.workloads.map((w) => w.id).sort();
  const uniformPairs = (n) => {
    const out = [];
    while (out.length < n) {
      const a = ids[Math.floor(rnd() * ids.length)];
      const b = ids[Math.floor(rnd() * ids.length)];
      if (a !== b) out.push([a, b]);
    }
    return out;
  };
  const strict = new N.NaiveEvaluator(cluster, 'strict');
  const sp = uniformPairs(job.strictSample);
  for (const [a, b] of uniformPairs(20)) strict.conns(endpoint(a), endpoint(b)); // JIT warm-up, not timed
  t = performance.now();
  let disagree = 0;
  const strictAnswers = sp.map(([a, b]) => N.connString(strict.conns(endpoint(a), endpoint(b))));
  const strictMs = ms(t);
  for (let i = 0; i < sp.length; i++) if (N.connString(ev.conns(endpoint(sp[i][0]), endpoint(sp[i][1]))) !== strictAnswers[i]) disagree++;
  result.strict = { pairs: sp.length, ms: strictMs, perPairUs: (strictMs * 1000) / sp.length, extrapolatedMs: (strictMs / sp.length) * pairsTotal, disagreesWithHoisted: disagree };

  if (job.sampleIn) {
    const sample = JSON.parse(readFileSync(job.sampleIn, 'utf8'));
    if (sample.workloads !== W) throw new Error(`the engine has ${sample.workloads} workloads, the naive evaluator ${W}`);
    const fresh = new N.NaiveEvaluator(cluster, 'hoisted');
    // Every workload's selecting policies (pod × policy), measured, not extrapolated: the rows need them all.
    t = performance.now();
    fresh.hoist();
    const hoistMs = ms(t);
    // Warm up the JIT on two rows that are not timed.
    for (const id of ids.slice(0, 2)) for (const w of cluster.workloads) if (w.id !== id) fresh.conns(endpoint(id), { type: 'workload', workload: w });
    const ours = new N.Answer();
    t = performance.now();
    for (const id of sample.sources) {
      const src = endpoint(id);
      for (const w of cluster.workloads) {
        if (w.id === id) continue;
        const c = fresh.conns(src, { type: 'workload', workload: w });
        if (!N.isEmpty(c)) ours.add(id, w.id, N.connString(c));
      }
      fresh.externalsOf(src.workload, (x, y, c) => ours.add(name(N, x), name(N, y), N.connString(c)));
    }
    const rowsMs = ms(t);
    const engine = new N.Answer();
    for (const [a, b, c] of sample.rows) engine.add(a, b, c);
    const d = ours.compare(engine, 10);
    // Connected pairs anywhere in the matrix.
    let pairMismatches = 0;
    for (const [a, b, c] of sample.connected) {
      const got = N.connString(fresh.conns(endpoint(a), endpoint(b)));
      if (got !== c) {
        pairMismatches++;
        if (d.samples.length < 20) d.samples.push({ key: `${a}\t${b}`, ours: got, theirs: c });
      }
    }
    const perRowMs = rowsMs / sample.sources.length;
    result.sampled = {
      rows: sample.sources.length,
      pairsInRows: sample.sources.length * (W - 1),
      connectedPairs: sample.connected.length,
      hoistMs,
      perRowMs,
      extrapolatedMs: hoistMs + perRowMs * W,
      mismatches: d.count + pairMismatches,
      mismatchSamples: d.samples,
    };
  }

  // The edits: the pairs of the edited namespace, on the edited text, against the engine's rows.
  if (job.edit && job.editAnswers) {
    result.edits = [];
    const editedFile = join(job.dir, job.edit.file);
    const others = N.readObjects(N.yamlFiles(job.dir).filter((f) => f !== editedFile));
    for (const which of ['ports', 'selector']) {
      const path = `${job.editAnswers}.${which}`;
      if (!existsSync(path)) continue;
      const editedObjects = parseAllDocuments(applyEdit(readFileSync(editedFile, 'utf8'), job.edit.policy, which)).map((d) => d.toJS());
      const edited = N.buildCluster([...others, ...editedObjects.filter((o) => o && typeof o === 'object')]);
      const e2 = new N.NaiveEvaluator(edited, 'hoisted');
      const answer = new N.Answer();
      for (const w of edited.workloads.filter((x) => x.namespace === job.edit.namespace)) {
        const we = { type: 'workload', workload: w };
        for (const o of edited.workloads) {
          if (o === w) continue;
          const oe = { type: 'workload', workload: o };
          const out = e2.conns(we, oe);
          if (!N.isEmpty(out)) answer.add(w.id, o.id, N.connString(out));
          if (o.namespace === job.edit.namespace) continue; // already visited from the other side
          const inn = e2.conns(oe, we);
          if (!N.isEmpty(inn)) answer.add(o.id, w.id, N.connString(inn));
        }
        e2.externalsOf(w, (x, y, c) => answer.add(name(N, x), name(N, y), N.connString(c)));
      }
      const d = answer.compare(readAnswer(N, path), 5);
      result.edits.push({ which, mismatches: d.count, mismatchSamples: d.samples });
    }
  }
  result.maxRssMb = maxRssMb();
  return result;
}

function name(N, e) {
  return e.type === 'workload' ? e.workload.id : N.rangeName(e.first, e.last);
}

function readAnswer(N, path) {
  const a = new N.Answer();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    const [src, dst, conns] = line.split('\t');
    a.add(src, dst, conns);
  }
  return a;
}

// ---- the parent: build, generate, run the children, report ---------------------------------------------

function runChild(kind, job, heapMb) {
  const out = join(outDir, `reachability-${kind}-${job.name}.json`);
  const t = performance.now();
  const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, SELF, '--child', JSON.stringify({ ...job, kind, out })], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) return { workspace: job.name, failed: `exit ${r.status ?? r.signal}`, wallMs: ms(t) };
  return { ...JSON.parse(readFileSync(out, 'utf8')), wallMs: ms(t) };
}

async function buildBundle() {
  const esbuild = await import('esbuild');
  const entry = join(outDir, 'reachability-entry.ts');
  // The entry imports the sources by absolute path, so it can live in .bench-out/.
  writeFileSync(entry, ENTRY);
  // CommonJS, as dist/ is built (the engine's dependencies are CommonJS).
  await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: BUNDLE, logLevel: 'warning' });
}

/**
 * The bench's entry into the engine, bundled by esbuild from the TypeScript sources: the pipeline the
 * CLI uses (Engine → extractFile → buildWorkspaceModel → Reachability), plus one helper that reads the
 * rows of one namespace's workloads from the facade's evaluator (what an editor shows after an edit).
 */
const ENTRY = `// Generated by scripts/bench-reachability.mjs: the engine as the bench uses it.
import { NONE } from '${join(root, 'server', 'src', 'engine', 'semantics', 'conntable')}';
import { rangeText } from '${join(root, 'server', 'src', 'engine', 'semantics', 'ip')}';
import type { Reachability } from '${join(root, 'server', 'src', 'engine', 'reachability')}';
export { Engine, extractFile, buildWorkspaceModel } from '${join(root, 'server', 'src', 'engine')}';
export { Reachability } from '${join(root, 'server', 'src', 'engine', 'reachability')}';

export interface Row { src: string; dst: string; conns: string }

/** Every pair with a workload of the namespace at one end (external pieces unmerged). */
export function rowsOfNamespace(r: Reachability, namespace: string): Row[] {
  const ev = r.evaluator;
  const x = ev.nsIndex.get(namespace);
  if (x === undefined) return [];
  const [s, e] = ev.classesOfNamespace(x);
  const out: Row[] = [];
  const t = ev.table;
  const push = (a: number, b: number, conn: number) => {
    if (conn === NONE) return;
    const conns = t.set(conn).toString();
    for (const wa of ev.classes[a].workloads) for (const wb of ev.classes[b].workloads) if (wa !== wb) out.push({ src: wa.id, dst: wb.id, conns });
  };
  for (let c = s; c < e; c++) {
    ev.forEachDestination(c, (b, conn) => push(c, b, conn));
    ev.forEachSource(c, (a, conn) => {
      if (a < s || a >= e) push(a, c, conn);
    });
    ev.segIn.forEach((range, i) => {
      const conn = ev.fromExternal(i, c);
      if (conn !== NONE) for (const w of ev.classes[c].workloads) out.push({ src: rangeText(range), dst: w.id, conns: t.set(conn).toString() });
    });
    ev.segOut.forEach((range, i) => {
      const conn = ev.toExternal(c, i);
      if (conn !== NONE) for (const w of ev.classes[c].workloads) out.push({ src: w.id, dst: rangeText(range), conns: t.set(conn).toString() });
    });
  }
  return out;
}
`;

function clusterDir(scale, seed) {
  return join(outDir, `cluster-${scale}x`);
}

async function ensureCluster(scale, seed) {
  const dir = clusterDir(scale, seed);
  const gen = await import(pathToFileURL(join(root, 'scripts', 'gen-cluster.mjs')).href);
  try {
    const s = JSON.parse(readFileSync(join(dir, 'generated.json'), 'utf8'));
    if (s.generator === gen.GENERATOR_VERSION && s.seed === seed && s.scale === scale) return s;
  } catch {
    // Not generated yet.
  }
  const t = performance.now();
  const s = gen.writeCluster(dir, { scale, seed });
  console.log(`generated ${relative(root, dir)} in ${(ms(t) / 1000).toFixed(1)} s`);
  return s;
}

const fmtMs = (v) => (v === undefined ? '–' : v >= 48 * 3600000 ? `${(v / 86400000).toFixed(0)} days` : v >= 3600000 ? `${(v / 3600000).toFixed(1)} h` : v >= 60000 ? `${(v / 60000).toFixed(1)} min` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 0)} ms`);
const fmtMb = (v) => (v === undefined ? '–' : `${Math.round(v)} MB`);

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.child) {
    const job = o.child;
    const r = job.kind === 'engine' ? await engineChild(job) : await naiveChild(job);
    writeFileSync(job.out, JSON.stringify(r, null, 2));
    return;
  }
  mkdirSync(outDir, { recursive: true });
  if (o.build || !existsSync(BUNDLE)) await buildBundle();

  const workspaces = [];
  const shared = resolve(root, '..', 'shared', 'bench', 'workspace-600ns');
  if (o.workspace && existsSync(shared)) workspaces.push({ name: 'workspace-600ns', dir: shared, scale: 0 });
  for (const scale of o.scales) {
    const s = await ensureCluster(scale, o.seed);
    workspaces.push({ name: `cluster-${scale}x`, dir: clusterDir(scale, o.seed), scale, summary: s });
  }

  const results = [];
  for (const w of workspaces) {
    const full = w.scale <= 1;
    const base = { name: w.name, dir: w.dir, seed: o.seed };
    const answer = join(outDir, `reachability-answer-${w.name}.tsv`);
    const sampleOut = join(outDir, `reachability-sample-${w.name}.json`);
    const editAnswers = join(outDir, `reachability-edit-${w.name}`);
    const edit = w.summary?.edit;
    console.log(`\n${w.name}: engine…`);
    const heap = Math.min(Math.floor(totalmem() / 1024 / 1024 * 0.75), 16384);
    const engine = runChild('engine', { ...base, answer: full ? answer : undefined, sampleRows: o.sampleRows, samplePairs: o.samplePairs, sampleOut, edit, editAnswers }, heap);
    let naive;
    if (o.naive) {
      console.log(`${w.name}: naive evaluator…`);
      naive = runChild('naive', { ...base, full, engineAnswer: full ? answer : undefined, sampleIn: sampleOut, strictSample: o.strictSample, edit, editAnswers }, heap);
    }
    results.push({ workspace: w.name, summary: w.summary, engine, naive });
  }

  // Report.
  const header = ['workspace', 'ns', 'workloads', 'policies', 'engine load', 'engine matrix', 'rows', 'edit: ports / selector', 'engine peak', 'naive matrix', 'naive strict', 'naive/engine', 'naive peak', 'mismatches'];
  const lines = [header];
  for (const r of results) {
    const e = r.engine;
    const n = r.naive;
    const naiveMs = n?.totalMs ?? n?.sampled?.extrapolatedMs;
    const mism = [n?.mismatches, n?.sampled?.mismatches, ...(n?.edits ?? []).map((x) => x.mismatches), ...(e.edits ?? []).map((x) => x.incrementalMismatches)].filter((x) => x !== undefined);
    const naiveCell = n?.failed ?? (n?.totalMs !== undefined
      ? `${fmtMs(n.totalMs)}${n.sampled ? ` (rows: ~${fmtMs(n.sampled.extrapolatedMs)})` : ''}`
      : n?.sampled ? `~${fmtMs(n.sampled.extrapolatedMs)} (extrap.)` : '–');
    lines.push([
      r.workspace,
      String(e.counts?.namespaces ?? '?'),
      String(e.counts?.workloads ?? '?'),
      String(e.counts?.policies ?? '?'),
      e.failed ?? fmtMs((e.analyzeMs ?? 0) + (e.modelMs ?? 0)),
      e.failed ?? fmtMs(e.totalMs),
      e.rows === undefined ? '–' : e.rows.toLocaleString('en-US'),
      e.edits ? e.edits.map((x) => fmtMs(x.totalMs)).join(' / ') : '–',
      fmtMb(e.peakMb),
      naiveCell,
      n?.strict ? `~${fmtMs(n.strict.extrapolatedMs)} (extrap.)` : '–',
      naiveMs && e.totalMs ? `${Math.round(naiveMs / e.totalMs)}×` : '–',
      fmtMb(n?.peakMb ?? n?.maxRssMb),
      mism.length ? String(mism.reduce((a, b) => a + b, 0)) : '–',
    ]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const table = lines.map((l) => `| ${l.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`);
  table.splice(1, 0, `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  console.log(`\n${table.join('\n')}`);
  const report = { date: new Date().toISOString(), node: process.version, cpus: cpus()[0]?.model, cpuCount: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), options: o, results };
  writeFileSync(join(outDir, 'reachability.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nEvery figure: ${relative(root, join(outDir, 'reachability.json'))}`);
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) await main();
