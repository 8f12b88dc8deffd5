import bundle from 'swagger-ui-dist/swagger-ui-bundle.js?raw';
import css from 'swagger-ui-dist/swagger-ui.css?raw';
import { HttpProblem } from '../../http/problem.js';
import { httpHandler } from '../../http/route.js';

// Relative URLs: the page is /docs, so these resolve to /docs/<asset> and /openapi.json.
const init = `window.ui = SwaggerUIBundle({
  url: new URL('openapi.json', window.location.href).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  docExpansion: 'list',
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

const ASSETS: Record<string, { type: string; body: string }> = {
  'swagger-ui-bundle.js': { type: 'text/javascript; charset=utf-8', body: bundle },
  'swagger-ui.css': { type: 'text/css; charset=utf-8', body: css },
  'init.js': { type: 'text/javascript; charset=utf-8', body: init },
};

/** GET /docs/{asset} (public): the reference page's files, from the swagger-ui-dist package. */
export const handler = httpHandler(async (event) => {
  const name = event.pathParameters?.asset ?? '';
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) throw new HttpProblem('notFound', 'No such file.');
  return { statusCode: 200, headers: { 'content-type': asset.type }, body: asset.body };
});
