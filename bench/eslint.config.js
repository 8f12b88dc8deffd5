// The workspace's lint config, plus this package's scratch folder (bundles, wrk scripts).
import workspace from '../eslint.config.js';

export default [{ ignores: ['.build/**'] }, ...workspace];
