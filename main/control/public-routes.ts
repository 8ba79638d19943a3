// The routes of the control API that answer without the per-start secret. Checked in on purpose: the route
// table test fails when a route is added without the secret and is not listed here.
/** `METHOD /path` of every route that needs no bearer secret. */
export const PUBLIC_ROUTES: readonly string[] = ['GET /v1/health'];
