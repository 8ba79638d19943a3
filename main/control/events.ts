// `GET /v1/events`: a text/event-stream of job changes (job-added, job-changed, job-removed).
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { JobStore } from '../spool/job-store.js';
import type { Job } from '../spool/job.js';
import { errorSchema } from './schemas.js';

/** Seconds between keep-alive comments, so proxies and clients see a live stream. */
export const EVENTS_HEARTBEAT_MS = 15_000;

/** Registers the events route and relays store events to every open stream until the app closes. */
export function registerEventsRoute(app: FastifyInstance, store: JobStore): void {
  const clients = new Set<ServerResponse>();
  const send = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) res.write(frame);
  };
  const onAdded = (job: Job) => send('job-added', job);
  const onChanged = (job: Job) => send('job-changed', job);
  const onRemoved = (id: string) => send('job-removed', { id });
  store.on('added', onAdded);
  store.on('changed', onChanged);
  store.on('removed', onRemoved);
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': keep-alive\n\n');
  }, EVENTS_HEARTBEAT_MS);
  heartbeat.unref();

  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    store.off('added', onAdded);
    store.off('changed', onChanged);
    store.off('removed', onRemoved);
    for (const res of clients) res.end();
    clients.clear();
  });

  app.get('/v1/events', { schema: { response: { 401: errorSchema } } }, async (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    res.write('retry: 3000\n\n');
    clients.add(res);
    request.raw.on('close', () => clients.delete(res));
  });
}
