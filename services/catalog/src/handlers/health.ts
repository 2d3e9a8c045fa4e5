// GET /health (anyone): liveness of the API — API Gateway REST.
import { createHttpHandler, ok } from '@shop/lambda-kit';

export const handler = createHttpHandler({ access: 'public' }, async () => ok({ status: 'ok' }));
