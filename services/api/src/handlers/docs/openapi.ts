import document from '@app/schema/openapi.json' with { type: 'json' };
import { json } from '../../http/response.js';
import { httpHandler } from '../../http/route.js';

const body = JSON.stringify(document);

/** GET /openapi.json (public): the document generated from packages/schema at build time. */
export const handler = httpHandler(async () => ({ ...json(200, null), body }));
