// The server bench's peer: a bare Fastify app with one route answering the JSON our GET /api/v1/me answered
// (no authentication, storage, hooks or logging). Prints `listening on PORT` when ready.
// Usage: node --import tsx test/bench/bare-fastify.ts BODY_FILE
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const body: unknown = JSON.parse(readFileSync(process.argv[2] as string, 'utf8'));
const app = Fastify({ logger: false });
app.get('/api/v1/me', async () => body);
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
console.log(`listening on ${typeof address === 'object' && address ? address.port : 0}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close());
