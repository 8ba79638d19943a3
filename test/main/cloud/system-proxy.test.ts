import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bypassesProxy, systemProxyFor, systemProxyFromEnv } from '../../../main/cloud/system-proxy.js';

describe('the system proxy from the environment', () => {
  it('reads the variables, the lowercase name first, and ignores empty ones', () => {
    assert.deepEqual(
      systemProxyFromEnv({
        HTTP_PROXY: 'http://upper:1',
        http_proxy: 'http://lower:1',
        HTTPS_PROXY: ' ',
        NO_PROXY: 'a',
      }),
      { httpProxy: 'http://lower:1', noProxy: 'a' },
    );
    assert.deepEqual(systemProxyFromEnv({}), {});
  });

  it('picks the proxy by scheme, falls back to the http proxy for https, and adds a missing scheme', () => {
    const https = new URL('https://cloud.example.com');
    const http = new URL('http://cloud.example.com');
    assert.equal(systemProxyFor(https, { httpsProxy: 'http://s:1', httpProxy: 'http://h:1' }), 'http://s:1');
    assert.equal(systemProxyFor(https, { httpProxy: 'http://h:1' }), 'http://h:1');
    assert.equal(systemProxyFor(http, { httpsProxy: 'http://s:1' }), null);
    assert.equal(systemProxyFor(http, { httpProxy: 'proxy.corp:3128' }), 'http://proxy.corp:3128');
  });

  it('honours no_proxy entries: *, hosts, domains, ports, IPv6', () => {
    const u = new URL('https://api.cloud.example.com');
    assert.equal(bypassesProxy(u, undefined), false);
    assert.equal(bypassesProxy(u, '*'), true);
    assert.equal(bypassesProxy(u, 'example.com'), true);
    assert.equal(bypassesProxy(u, '.example.com'), true);
    assert.equal(bypassesProxy(u, '*.example.com'), true);
    assert.equal(bypassesProxy(u, 'ample.com'), false);
    assert.equal(bypassesProxy(u, 'localhost, api.cloud.example.com:443'), true);
    assert.equal(bypassesProxy(u, 'api.cloud.example.com:8443'), false);
    assert.equal(bypassesProxy(new URL('http://[::1]:8080'), '[::1]'), true);
    assert.equal(bypassesProxy(new URL('http://127.0.0.1:8080'), '127.0.0.1:8080'), true);
  });
});
