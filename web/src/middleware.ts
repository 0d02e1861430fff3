import { defineMiddleware } from 'astro:middleware';
import { ServiceUnavailable } from './lib/api.ts';

// While the database cannot be reached, a page is answered with 503 and the error page (500.astro shows the 503
// text when `locals.databaseUnavailable`). The server sets that flag when the database failed before the page
// could start (resolving the visitor's session); `api` sets it and throws when the page's API answered 503.
export const onRequest = defineMiddleware(async (context, next) => {
  if (context.locals.databaseUnavailable) return unavailable(await next('/500'));
  try {
    return await next();
  } catch (err) {
    if (!(err instanceof ServiceUnavailable)) throw err;
    return unavailable(await next('/500'));
  }
});

/** Astro answers its 500 route with 500 whatever the page sets: the status is put right here. */
function unavailable(page: Response): Response {
  const headers = new Headers(page.headers);
  headers.set('Retry-After', '5');
  return new Response(page.body, { status: 503, statusText: 'Service Unavailable', headers });
}
