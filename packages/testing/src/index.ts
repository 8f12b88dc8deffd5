// @app/testing: what the test suites share. Each helper exists once, here.
export { apiEvent, defaultRouteEvent, invoke, DEFAULT_CLAIMS, type ApiHandler, type ApiReply, type ApiRequest } from './api-events.js';
export { startTestDatabase, ROOT_SERVERLESS_YML, type TestDatabase, type TestDatabaseOptions } from './database.js';
export { eventually, waitFor, WaitTimeoutError, type WaitOptions } from './eventually.js';
export { httpCaller, type Call, type CallOptions, type HttpReply } from './http.js';
export { lambdaContext, type LambdaContextOptions } from './lambda-context.js';
export { captureLogs, type LogCapture } from './logs.js';
export { freePort } from './ports.js';
export { copyRepository, type RepositoryCopy } from './repository.js';
export { slsPackage, type CloudFormationTemplate, type SlsPackageOptions } from './sls.js';
export { startTracingDaemon, TRACE_ROOT, type TracingDaemon } from './xray.js';
// The type of `toContainLogLine` (the preset's setupFilesAfterEnv registers the matcher itself):
// type-only, so that importing this package outside jest loads no @jest/globals.
export type {} from './matchers.js';
