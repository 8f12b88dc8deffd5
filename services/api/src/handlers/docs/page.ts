import { API_TITLE } from '@app/schema';
import { httpHandler } from '../../http/route.js';

/** The page only loads its own files: no inline script, nothing from another origin. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // Swagger UI sets style attributes on its elements.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${API_TITLE} reference</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="docs/swagger-ui.css">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="docs/swagger-ui-bundle.js"></script>
    <script src="docs/init.js"></script>
  </body>
</html>
`;

/** GET /docs (public): the API reference, rendered by Swagger UI from /openapi.json. */
export const handler = httpHandler(async () => ({
  statusCode: 200,
  headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': DOCS_CSP },
  body: page,
}));
