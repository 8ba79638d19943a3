// POST /api/v1/auth/login and /api/v1/auth/logout.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../../errors.js';
import { callerOf } from '../../../plugins/authenticate.js';
import { loginSchema, logoutSchema } from '../../../schemas/auth.js';
import type { LoginBody, LoginReply } from '../../../schemas/auth.js';

/** The one answer for an unknown user, a wrong password, a locked or a disabled account. */
export const LOGIN_FAILED_MESSAGE =
  'The username or password is wrong, or the account is locked for a while.';

/** Login and logout routes. */
const authRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post<{ Body: LoginBody; Reply: LoginReply }>(
    '/login',
    {
      schema: loginSchema,
      config: { rateLimit: { max: ctx.loginRateLimit.max, timeWindow: ctx.loginRateLimit.timeWindowMs } },
    },
    async (request) => {
      const result = await ctx.auth.login(request.body.username, request.body.password);
      if (!result.ok) {
        request.log.info({ reason: result.reason }, 'login refused');
        throw new HttpError(401, 'login_failed', LOGIN_FAILED_MESSAGE);
      }
      // A desktop client's session idles out after the organization's policy (whitepaper 3.3: set by RHQ).
      const idle =
        request.body.client === 'desktop'
          ? ctx.organizationPolicies.values(result.user.organizationId).idleLogoutMinutes * 60_000
          : null;
      const session = ctx.sessions.issue(result.user.id, idle);
      return {
        token: session.token,
        tokenType: 'Bearer',
        expiresAt: new Date(session.expiresAt).toISOString(),
        idleTimeoutSeconds: Math.floor(session.idleTimeoutMs / 1000),
      };
    },
  );

  app.post('/logout', { schema: logoutSchema, onRequest: ctx.authenticate }, async (request, reply) => {
    ctx.sessions.revoke(callerOf(request).tokenHash);
    return reply.code(204).send();
  });
};

export default authRoutes;
