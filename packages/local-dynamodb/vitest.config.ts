// The workspace defaults (source condition, node, timeouts); tests start real dynalite
// servers on port 0 and spawn the CLI, so they run in forks.
import { sharedConfig } from '../../vitest.shared.ts';

export default sharedConfig;
