// Dispatches a command line; returns the exit code. All process I/O comes in through `io`.
import { parseArgs, UsageError } from './args';
import { runCheck, type Io } from './check';
import { runConnectivity } from './connectivity';
import { runDiff } from './diff';
import { runExplain } from './explain';
import { VERSION } from './meta';
import { CHECK_HELP, CONNECTIVITY_HELP, EXPLAIN_HELP, listRulesJson, listRulesText, MAIN_HELP } from './usage';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let request: ReturnType<typeof parseArgs>;
  try {
    request = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`tenant-policy: ${e.message}`);
      if (argv.length === 0) io.stderr(MAIN_HELP.trimEnd());
      return 2;
    }
    throw e;
  }
  switch (request.command) {
    case 'help':
      if (request.topic === 'diff') return runDiff(['--help'], io);
      io.stdout(request.topic === 'check' ? CHECK_HELP : request.topic === 'connectivity' ? CONNECTIVITY_HELP : request.topic === 'explain' ? EXPLAIN_HELP : MAIN_HELP);
      return 0;
    case 'version':
      io.stdout(`${VERSION}\n`);
      return 0;
    case 'list-rules':
      io.stdout(request.format === 'json' ? listRulesJson() : listRulesText());
      return 0;
    case 'check':
      return runCheck(request, io);
    case 'connectivity':
      return runConnectivity(request, io);
    case 'explain':
      return runExplain(request, io);
    case 'diff':
      return runDiff(request.argv, io);
  }
}
