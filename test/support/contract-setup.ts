// Set-up of every test/ suite (setupFilesAfterEnv in jest.config.js): every response the
// suites receive from a local stack through fetch is checked against the OpenAPI document
// (support/contract.ts); a departure fails the request, and so the test that made it.
import { contractViolations, otherRepositoryOrigins } from './contract.js';

const realFetch = globalThis.fetch;

globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const response = await realFetch(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  if ((url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') || otherRepositoryOrigins.has(url.origin)) return response;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const body = await response.clone().text();
  const violations = contractViolations({ method, path: url.pathname, status: response.status, headers: response.headers, body });
  if (violations.length > 0) throw new Error(`response departs from the OpenAPI document:\n  ${violations.join('\n  ')}`);
  return response;
};
