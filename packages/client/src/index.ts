// @app/client: a typed client of the API, generated at build time from its OpenAPI document.
export { createClient, type ClientOptions } from './client.js';
export { ApiProblem, type ProblemDetails, type ProblemError, type ProblemType } from './errors.js';
export { paginate } from './paginate.js';
export { NotModified } from './results.js';
export { DEFAULT_RETRY, type RetryOptions, type TokenSource } from './transport.js';
export type { Client, EntityTags, Method, OperationId, RequestOf, ResponseOf, Schemas } from './types.js';
