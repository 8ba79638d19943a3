import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTestApp } from './helper.js';

describe('server app', () => {
  it('serves the OpenAPI document at /docs/json listing the auth routes with their schemas', async (t) => {
    const { app } = await buildTestApp(t);
    const res = await app.inject({ url: '/docs/json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json() as {
      openapi: string;
      paths: Record<string, Record<string, { responses: object }>>;
    };
    assert.match(doc.openapi, /^3\./);
    for (const [path, method] of [
      ['/api/v1/auth/login', 'post'],
      ['/api/v1/auth/logout', 'post'],
      ['/api/v1/me', 'get'],
    ] as const) {
      const op = doc.paths[path]?.[method];
      assert.ok(op, `${method} ${path} documented`);
      assert.ok(Object.keys(op.responses).length >= 2, `${method} ${path} has response schemas`);
    }
  });

  it('serves the docs UI at /docs', async (t) => {
    const { app } = await buildTestApp(t);
    const res = await app.inject({ url: '/docs' });
    const page = res.statusCode === 302 ? await app.inject({ url: res.headers.location as string }) : res;
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
  });

  it('sends security headers and no-store on API answers', async (t) => {
    const { app } = await buildTestApp(t);
    const res = await app.inject({ url: '/api/v1/me' });
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/);
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('answers an unknown route with a JSON 404', async (t) => {
    const { app } = await buildTestApp(t);
    const res = await app.inject({ url: '/api/v1/nothing-here' });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(Object.keys(res.json() as object).sort(), ['error', 'message']);
    assert.equal((res.json() as { error: string }).error, 'not_found');
  });

  it('hides the details of a server failure behind a generic 500', async (t) => {
    const { app } = await buildTestApp(t);
    app.get('/boom', async () => {
      throw new Error('secret detail: /var/lib/db password=hunter2');
    });
    const res = await app.inject({ url: '/boom' });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), { error: 'internal', message: 'The server failed; the error was logged.' });
    assert.ok(!res.body.includes('hunter2'));
  });

  it('refuses a body that is not JSON with a JSON 4xx', async (t) => {
    const { app } = await buildTestApp(t);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    assert.equal(res.statusCode, 400);
    assert.equal((res.json() as { error: string }).error, 'bad_request');
  });

  it('refuses to start with an API route that has no response schema', async (t) => {
    const { app } = await buildTestApp(t);
    await assert.rejects(async () => {
      await app.register(async (scope) => {
        scope.get('/api/v1/unchecked', async () => ({ leaked: 'everything' }));
      });
      await app.ready();
    }, /GET \/api\/v1\/unchecked has no response schema/);
  });

  it('documents every API route with a success and an error response', async (t) => {
    const { app } = await buildTestApp(t);
    const doc = (await app.inject({ url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const apiPaths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/'));
    assert.ok(apiPaths.length >= 7);
    for (const path of apiPaths) {
      for (const [method, op] of Object.entries(doc.paths[path] ?? {})) {
        const codes = Object.keys(op.responses);
        assert.ok(
          codes.some((c) => c.startsWith('2')),
          `${method} ${path} success`,
        );
        assert.ok(
          codes.some((c) => c.startsWith('4')),
          `${method} ${path} error`,
        );
      }
    }
  });
});
