// What the CLI says about itself: its version (from package.json, bundled) and where its documentation lives.
import { version } from '../../../package.json';

export { REPOSITORY_URL, ruleDocUrl } from '../links';

export const TOOL_NAME = 'tenant-policy';
export const VERSION: string = version;
