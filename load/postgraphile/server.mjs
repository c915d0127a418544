// PostGraphile 5, the peer of the side-by-side runner (load/compare.ts): the amber preset over
// bookmall's database, served by grafserv on node:http, one process, pg's default pool (10).
// DATABASE_URL and PORT (0: any free port) from the environment; prints one JSON line
// {"msg":"listening","port":N} once it serves. Run with NODE_ENV=production.
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('DATABASE_URL is required');

const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString, schemas: ['public'] })],
  grafserv: { graphqlPath: '/graphql', graphiql: false },
  grafast: { explain: false },
});
const serv = pgl.createServ(grafserv);
const server = createServer();
server.keepAliveTimeout = 65_000;
await serv.addTo(server);
// Builds the schema now, so that the first measured request does not pay for it.
await pgl.getSchema();
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port })}\n`);
});
const stop = () => server.close(() => void pgl.release().then(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
