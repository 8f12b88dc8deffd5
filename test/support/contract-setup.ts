// Set-up of every test/ suite (setupFilesAfterEnv in jest.config.js): every response the
// suites receive from the API (local stack or deployed stage) through fetch is checked against the OpenAPI document
// (support/contract.ts); a departure fails the request, and so the test that made it.
import { contractViolations, otherRepositoryOrigins } from './contract.js';
import { remoteTarget } from './target.js';

const realFetch = globalThis.fetch;
/** The hosts whose answers are the API's: the local stack's, and the deployed stage's in remote mode. */
const API_HOSTS = ['127.0.0.1', 'localhost', ...[remoteTarget()?.baseUrl ?? []].flat().map((url) => new URL(url).hostname)];

globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const response = await realFetch(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!API_HOSTS.includes(url.hostname) || otherRepositoryOrigins.has(url.origin)) return response;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const body = await response.clone().text();
  const violations = contractViolations({ method, path: url.pathname, status: response.status, headers: response.headers, body });
  if (violations.length > 0) throw new Error(`response departs from the OpenAPI document:\n  ${violations.join('\n  ')}`);
  return response;
};
