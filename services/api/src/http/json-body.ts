import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpProblem } from './problem.js';

/** Far above any valid body (schemas cap every string), far below API Gateway's 10 MB. */
export const MAX_BODY_BYTES = 64 * 1024;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

/**
 * Reads a JSON request body. Written here rather than taken from @middy/http-json-body-parser
 * because the contract needs what it does not do: malformed JSON is a 400 (it answers 422),
 * a body-size cap (413), and a problem+json pointer for each failure.
 */
export function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  const contentType = event.headers?.['content-type'];
  if (!contentType || !JSON_MEDIA_TYPE.test(contentType)) {
    throw new HttpProblem('unsupportedMediaType', 'Send the body as application/json.', {
      errors: [{ pointer: '/headers/content-type', message: 'must be application/json' }],
    });
  }
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.byteLength > MAX_BODY_BYTES) {
    throw new HttpProblem('payloadTooLarge', `The body must not exceed ${MAX_BODY_BYTES} bytes.`);
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new HttpProblem('badRequest', 'The body is not valid JSON.', {
      errors: [{ pointer: '/body', message: 'is not valid JSON' }],
    });
  }
}
