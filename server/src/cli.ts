// The `tenant-policy` command (dist/cli.js): the same engine as the editor, for CI. See `tenant-policy --help`.
import { main } from './cli/main';

/** Standard input, read whole: a stream of manifests (`kustomize build | tenant-policy check -`). */
async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// A reader that stops early (`| head`) closes the pipe. Stop writing, but finish the check: the exit code
// still says whether there were errors (`set -o pipefail` scripts rely on it).
let stdoutClosed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
    stdoutClosed = true;
    return;
  }
  throw e;
});

main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (chunk) => {
    if (!stdoutClosed) process.stdout.write(chunk);
  },
  stderr: (line) => process.stderr.write(`${line}\n`),
  readStdin,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`tenant-policy: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
