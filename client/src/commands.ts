// Each command is a small factory: given the extension's context it returns the handler. The ids here
// are the ones package.json contributes; tests check the two lists agree and that activate registers all.
import type { Ctx } from './ctx';
import { openPreview } from './preview/open';

export type CommandFactory = (ctx: Ctx) => (...args: unknown[]) => unknown;

export const RESTART_SERVER = 'tenantPolicy.restartServer';
export const SHOW_OUTPUT = 'tenantPolicy.showOutput';
export const OPEN_PREVIEW = 'tenantPolicy.openPreview';

export const COMMANDS: Readonly<Record<string, CommandFactory>> = {
  [RESTART_SERVER]: (ctx) => () => ctx.restart(),
  [SHOW_OUTPUT]: (ctx) => () => ctx.output.show(true),
  [OPEN_PREVIEW]: () => (...args) => openPreview(args),
};
