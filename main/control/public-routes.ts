// The routes of the control API that answer without the per-start secret. Checked in on purpose: the route
// table test fails when a route is added without the secret and is not listed here.
// The session routes (/v1/session, /v1/session/login, /v1/session/logout) are deliberately NOT listed: a login
// through them needs the secret like every other route.
/** `METHOD /path` of every route that needs no bearer secret. */
export const PUBLIC_ROUTES: readonly string[] = ['GET /v1/health'];
