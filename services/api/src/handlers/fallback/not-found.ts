import { ROUTES, pathPattern } from '@app/schema';
import { HttpProblem } from '../../http/problem.js';
import { httpHandler } from '../../http/route.js';

/**
 * API Gateway's $default route: any method and path no other route takes. A known path with
 * another method is a 405 naming the methods it has; anything else a 404. Both problem+json,
 * where API Gateway alone would answer {"message":"Not Found"}.
 */
export const handler = httpHandler(async (event) => {
  const path = event.rawPath ?? '';
  const allowed = ROUTES.filter((route) => pathPattern(route.path).test(path)).map((route) => route.method.toUpperCase());
  if (allowed.length === 0) throw new HttpProblem('notFound', 'No resource at this path.');
  throw new HttpProblem('methodNotAllowed', `This path accepts ${allowed.join(', ')}.`, { headers: { allow: allowed.join(', ') } });
});
