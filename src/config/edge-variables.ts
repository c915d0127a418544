import { z } from 'zod';
import { bool, hostPorts, int, list, oneOf, secondsByName } from './parsers.js';
import { DEFAULT_RATE_LIMITS, rateLimits } from './rate-limits.js';
import { byMode, variable } from './variable.js';

/** Where `npm run codegen` writes the trusted-documents manifest (committed). */
export const DEFAULT_PERSISTED_DOCUMENTS_PATH = 'load/generated/persisted-documents.json';

/** The gateway edge: Redis, the response cache, persisted operations and rate limits. */
export const EDGE_VARIABLES = {
  redisUrl: variable({
    name: 'REDIS_URL',
    description:
      'the Redis every replica shares (`redis://:password@redis:6379/0`); unset: in-process stores',
    schema: z.string().optional(),
  }),
  redisSentinels: variable({
    name: 'REDIS_SENTINELS',
    description:
      '`host:port,...` of Sentinels: follow the primary of REDIS_SENTINEL_NAME (REDIS_URL gives the password and database)',
    schema: hostPorts(),
    default: '',
  }),
  redisSentinelName: variable({
    name: 'REDIS_SENTINEL_NAME',
    description: "the primary's name in Sentinel",
    schema: z.string(),
    default: 'mymaster',
  }),
  redisKeyPrefix: variable({
    name: 'REDIS_KEY_PREFIX',
    description: 'prefix of every key bookmall writes',
    schema: z.string(),
    default: 'bookmall:',
    keepEmpty: true,
  }),
  redisCommandTimeoutMs: variable({
    name: 'REDIS_COMMAND_TIMEOUT_MS',
    description: 'a slower Redis command fails and the request goes on without Redis',
    schema: int(1),
    default: '250',
  }),
  redisCircuitFailures: variable({
    name: 'REDIS_CIRCUIT_FAILURES',
    description:
      'Redis commands failing in a row (timeouts, lost connection) that open the circuit breaker: commands are then refused at once, without waiting',
    schema: int(1),
    default: '3',
  }),
  redisCircuitCooldownMs: variable({
    name: 'REDIS_CIRCUIT_COOLDOWN_MS',
    description:
      'how long the open circuit refuses Redis commands before it lets one through as a probe (success closes it, failure opens it again)',
    schema: int(1),
    default: '5000',
  }),
  responseCache: variable({
    name: 'RESPONSE_CACHE',
    description: 'cache query responses (in Redis, or in-process without it)',
    schema: bool(),
    default: 'true',
  }),
  responseCacheLocalEntries: variable({
    name: 'RESPONSE_CACHE_LOCAL_ENTRIES',
    description:
      'responses each process keeps in memory in front of Redis (hits without I/O; invalidations reach every process over Redis pub/sub); 0: every lookup asks Redis',
    schema: int(0),
    default: '5000',
  }),
  singleFlight: variable({
    name: 'SINGLE_FLIGHT',
    description: 'identical queries in flight at once (document, variables, viewer) execute once',
    schema: bool(),
    default: 'true',
  }),
  responseCacheTtls: variable({
    name: 'RESPONSE_CACHE_TTLS',
    description: '`Type=seconds,...`: how long a response may be cached; its shortest type wins',
    schema: secondsByName(),
    default: 'Book=300,Author=300,Category=300',
    keepEmpty: true,
  }),
  responseCachePrivateTtlSeconds: variable({
    name: 'RESPONSE_CACHE_PRIVATE_TTL_SECONDS',
    description: "TTL of a member's own data (Member, Loan, LoanEvent), cached per member",
    schema: int(0),
    default: '60',
  }),
  responseCacheNegativeTtlSeconds: variable({
    name: 'RESPONSE_CACHE_NEGATIVE_TTL_SECONDS',
    description: 'TTL of a response with a null root field (`book(id:)` of no book)',
    schema: int(0),
    default: '10',
  }),
  cdnPurgeUrls: variable({
    name: 'CDN_PURGE_URLS',
    description:
      'comma-separated CDN nodes (Varnish with helm/cdn/bookmall.vcl) sent a `PURGE` with the `Surrogate-Key`s a mutation invalidates; set: public GET answers carry `Surrogate-Key`',
    schema: list().pipe(
      z.array(
        z.url({
          protocol: /^https?$/,
          error: (i) => `entries must be http(s) URLs, got "${i.input}"`,
        }),
      ),
    ),
    default: '',
  }),
  cdnPurgeTimeoutMs: variable({
    name: 'CDN_PURGE_TIMEOUT_MS',
    description:
      "the longest a mutation waits for the CDN's purges; a CDN that fails or is slower never fails the mutation",
    schema: int(1),
    default: '250',
  }),
  persistedOperations: variable({
    name: 'PERSISTED_OPERATIONS',
    description: '`off`, `apq` or `trusted` (see Persisted queries)',
    schema: oneOf(['off', 'apq', 'trusted']),
    default: 'apq',
  }),
  persistedQueryTtlSeconds: variable({
    name: 'PERSISTED_QUERY_TTL_SECONDS',
    description: 'how long an APQ entry lives after it was stored',
    schema: int(1),
    default: '86400',
  }),
  persistedDocumentsPath: variable({
    name: 'PERSISTED_DOCUMENTS_PATH',
    description: 'the trusted-documents manifest (`npm run codegen`), read when `trusted`',
    schema: z.string(),
    default: DEFAULT_PERSISTED_DOCUMENTS_PATH,
  }),
  rateLimits: variable({
    name: 'RATE_LIMITS',
    description:
      '`field=max/window` (window `500ms`, `30s`, `1m`, `1h`) over the default; `field=0` lifts one, `off` all',
    schema: rateLimits(),
    default: byMode({ otherwise: DEFAULT_RATE_LIMITS, test: 'off' }),
    extendsDefault: true,
  }),
  rateLimitOnRedisError: variable({
    name: 'RATE_LIMIT_ON_REDIS_ERROR',
    description: 'when Redis fails, `open` lets limited calls through, `closed` refuses them',
    schema: oneOf(['open', 'closed']),
    default: 'open',
  }),
  trustProxy: variable({
    name: 'TRUST_PROXY',
    description:
      'key anonymous callers by the last `X-Forwarded-For` entry (only behind a proxy that appends it)',
    schema: bool(),
    default: 'false',
  }),
};
