export { esbuildOptionsFrom, loadPlugins } from './bundle-options.js';
export { defaultBuildDir, formatBuildError, FunctionBuilder, type BuildError, type BuildOutcome, type BuilderOptions } from './builder.js';
export { functionsOf, handlerEntry, type FunctionSpec, type RouteSpec } from './functions.js';
export { FunctionHost, type FunctionHostOptions, type Invocation, type ReloadReport } from './host.js';
export { HttpApi, type Claims, type CorsSettings, type HttpApiOptions } from './http-api.js';
export {
  frameworkErrorMessage,
  resolveServiceConfig,
  ServiceConfigError,
  type ResolvedConfig,
  type ResolvedService,
  type ResolveOptions,
} from './service-config.js';
export { IGNORED_NAMES, watchFiles, type Watch, type WatchOptions } from './watch.js';
