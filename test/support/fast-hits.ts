import { createLogger } from '../../src/logger.js';
import { createTestApp, type TestApp } from './app.js';
import { createCategory } from './factories.js';
import { untilSubscribed } from './redis.js';

/**
 * An app that answers fast hits (the response cache on Redis, its request log in `lines`), with
 * a category for books, once its tier is live (it answers only once its subscription is).
 */
export async function createFastHitsApp(
  label: string,
): Promise<{ t: TestApp; lines: string[]; categoryId: number }> {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  const t = await createTestApp(
    label,
    { RESPONSE_CACHE: 'true', LOG_REQUESTS: 'true', REQUEST_TIMEOUT_MS: '500' },
    { redis: true, logger },
  );
  const categoryId = (await createCategory(t.database.db)).id;
  await untilSubscribed(t.redis?.redis);
  return { t, lines, categoryId };
}
