import { describe, expect, it } from '@jest/globals';
import { isLocalEndpoint } from './local-endpoint.js';

describe('isLocalEndpoint', () => {
  it.each(['http://127.0.0.1:8000', 'http://localhost:4566', 'https://localhost', 'http://[::1]:8000', 'http://127.1.2.3:9000'])(
    'takes %s for an endpoint on this machine',
    (endpoint) => {
      expect(isLocalEndpoint(endpoint)).toBe(true);
    },
  );

  it.each([
    undefined,
    '',
    'localhost:8000',
    'ftp://127.0.0.1',
    'https://dynamodb.eu-west-1.amazonaws.com',
    'http://localhost.example.com:80',
    'http://10.0.0.5:8000',
  ])('takes %s for a remote (or no) endpoint', (endpoint) => {
    expect(isLocalEndpoint(endpoint)).toBe(false);
  });
});
