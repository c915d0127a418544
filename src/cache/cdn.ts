import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { cdnPurgeRequests } from '../metrics.js';
import { type CacheTag, tagName, tagsOf } from './response-cache-store.js';

/**
 * A CDN in front (helm/cdn/bookmall.vcl for Varnish): public GET answers name the entities they
 * hold in a `Surrogate-Key` header, and a mutation purges the keys it invalidates, so that the
 * CDN's next answer is fresh without waiting out its max-age. The keys are the response cache's
 * tags (src/cache/response-cache-store.ts): `Book` on every answer holding a book, and
 * `Book:<global id>` for each book it holds.
 */

/** Response header naming the entities of an answer (Fastly's name; the VCL hands it to xkey). */
export const SURROGATE_KEY_HEADER = 'Surrogate-Key';

/**
 * The longest `Surrogate-Key` an answer may carry, in bytes: a longer one could not be stored
 * whole (Varnish's `http_resp_hdr_len` is 8 KB), so such an answer is not shared.
 */
export const MAX_SURROGATE_KEY_BYTES = 7168;

/** The `Surrogate-Key` header of an answer holding `entities`: their keys, space-separated. */
export const surrogateKeyHeader = (entities: Iterable<CacheTag>) => ({
  [SURROGATE_KEY_HEADER]: tagsOf(entities).join(' '),
});

export interface CdnPurgerOptions {
  /** The CDN nodes, each sent `PURGE <url>` (CDN_PURGE_URLS). */
  urls: readonly string[];
  /** The longest a purge may take, all nodes and all keys (CDN_PURGE_TIMEOUT_MS). */
  timeoutMs: number;
  /** Told of each node that failed or did not answer in time. Default: nothing. */
  onError?: (error: unknown, url: string) => void;
}

// Keys per PURGE request, so that its header stays under the CDN's limit (8 KB in Varnish).
const MAX_PURGE_HEADER_BYTES = 4096;
// Keys of failed purges kept for the next one; past this, only their types (which cover them).
const MAX_PENDING = 1000;

function chunks(keys: string[]): string[] {
  const out: string[] = [];
  let current = '';
  for (const key of keys) {
    if (current && current.length + key.length + 1 > MAX_PURGE_HEADER_BYTES) {
      out.push(current);
      current = '';
    }
    current = current ? `${current} ${key}` : key;
  }
  return current ? [...out, current] : out;
}

/**
 * Purges the CDN by surrogate key: every node gets `PURGE` requests with a `Surrogate-Key`
 * header. Never throws and never takes longer than `timeoutMs`: a failed or slow node is
 * reported to `onError`, counted in `cdn_purge_requests_total{result="failed"}`, and its keys are
 * sent again with the next purge (until then the CDN may serve them for their max-age).
 */
export function createCdnPurger({ urls, timeoutMs, onError }: CdnPurgerOptions) {
  const pending = new Map<string, CacheTag>();
  const keep = (entities: CacheTag[]) => {
    for (const entity of entities) {
      const tag = pending.size < MAX_PENDING ? entity : { typename: entity.typename };
      pending.set(tagName(tag), tag);
    }
  };
  return async function purge(entities: CacheTag[]): Promise<void> {
    const all = [...entities, ...pending.values()];
    pending.clear();
    const keys = [...new Set(all.map(tagName))];
    if (keys.length === 0) return;
    const signal = AbortSignal.timeout(timeoutMs);
    const failed = await Promise.all(
      urls.map(async (url) => {
        try {
          for (const header of chunks(keys)) {
            const response = await fetch(url, {
              method: 'PURGE',
              headers: { [SURROGATE_KEY_HEADER]: header },
              signal,
            });
            await response.body?.cancel();
            if (!response.ok) throw new Error(`PURGE ${url} answered ${response.status}`);
          }
          cdnPurgeRequests.inc({ result: 'ok' });
          return false;
        } catch (error) {
          cdnPurgeRequests.inc({ result: 'failed' });
          onError?.(error, url);
          return true;
        }
      }),
    );
    if (failed.includes(true)) keep(all);
  };
}

export type CdnPurger = ReturnType<typeof createCdnPurger>;

/** The purger CDN_PURGE_URLS asks for (failures logged as warnings), or none when it is empty. */
export function cdnPurgerFor(
  config: Pick<Config, 'cdnPurgeUrls' | 'cdnPurgeTimeoutMs'>,
  logger: Logger | false,
): CdnPurger | undefined {
  if (config.cdnPurgeUrls.length === 0) return undefined;
  return createCdnPurger({
    urls: config.cdnPurgeUrls,
    timeoutMs: config.cdnPurgeTimeoutMs,
    onError: (error, url) => {
      if (logger) logger.warn({ err: String(error), url }, 'CDN purge failed');
    },
  });
}
