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
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(bytes));
  } catch {
    throw new HttpProblem('badRequest', 'The body is not valid JSON.', {
      errors: [{ pointer: '/body', message: 'is not valid JSON' }],
    });
  }
  if (hasLoneSurrogate(value)) {
    throw new HttpProblem('badRequest', 'The body is not well-formed Unicode.', {
      errors: [{ pointer: '/body', message: 'has a string with an unpaired surrogate (\\ud800-\\udfff)' }],
    });
  }
  return value;
}

/** Invalid UTF-8 is an error, not silently replaced by U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * True when a string or key holds an unpaired surrogate: JSON can escape one (`"\ud800"`) but
 * UTF-8, and so DynamoDB, cannot store it; it would be silently replaced. Iterative, since a
 * 64 KiB body can nest 30,000 levels deep.
 */
function hasLoneSurrogate(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (LONE_SURROGATE.test(key)) return true;
        pending.push(item);
      }
    }
  }
  return false;
}
