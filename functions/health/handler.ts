import { apiHandler } from '../../shared/http/api-handler.ts';
import { json } from '../../shared/http/responses.ts';

/** GET /health — no dependency is touched: it answers whether the function itself runs. */
export const handler = apiHandler('health', {}, async () => json(200, { status: 'ok' }));
