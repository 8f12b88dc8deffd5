import { parseListQuery } from '@app/schema';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { validationProblem } from './problem.js';

/** `limit`, `cursor` (and `status` where allowed) of a list route, or a 400. */
export function listQueryOf(event: APIGatewayProxyEventV2, options: { allowStatus: boolean }) {
  const result = parseListQuery(event.queryStringParameters ?? null, options);
  if (!result.ok) throw validationProblem(result.errors);
  return result.value;
}
