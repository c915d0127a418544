import { existsSync, mkdirSync } from 'node:fs';
import { Kind, parse, visit } from 'graphql';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db.js';
import { BOOK_SORT_PROPERTY } from '../../src/domain/book-list.js';
import { reindexSearch } from '../../src/domain/search-index.js';
import { createLogger } from '../../src/logger.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createAuthor, createBook, createCategory } from '../support/factories.js';

// GraphiQL in a real headless Chromium (Debian's package; .ci/run installs it).
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = new URL('../artifacts/', import.meta.url);

let testDb: TestDatabase;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  testDb = await createTestDatabase('graphiql');
  const handle = createDb({ url: testDb.url, poolSize: 2 });
  const category = await createCategory(handle.db, { name: '古典名著 Classics', slug: 'classics' });
  const author = await createAuthor(handle.db, { name: '罗贯中' });
  await createBook(handle.db, {
    title: '三国演义',
    categoryId: category.id,
    authorIds: [author.id],
    language: 'zh',
  });
  await reindexSearch(handle.db, { missingOnly: true });
  await handle.close();
  server = await startServer(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      GRAPHIQL: 'true',
      OVERDUE_SWEEP_INTERVAL_MS: '0',
    }),
    testDb.url,
    createLogger('silent'),
  );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await testDb?.drop();
});

async function runInGraphiQL(query: string | undefined, expected: string, screenshot: string) {
  const page = await browser.newPage();
  // Nothing may come from the network but the server itself: GraphiQL's assets are inlined.
  const offsite: string[] = [];
  page.on('request', (request) => {
    if (
      !request.url().startsWith('http://127.0.0.1') &&
      !request.url().startsWith('blob:') &&
      !request.url().startsWith('data:')
    ) {
      offsite.push(request.url());
    }
  });
  await page.goto(
    query === undefined ? server.url : `${server.url}?query=${encodeURIComponent(query)}`,
  );
  await page.locator('.graphiql-execute-button').click({ timeout: 30_000 });
  await page.waitForFunction((text) => document.body.textContent?.includes(text), expected, {
    timeout: 30_000,
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = new URL(screenshot, SCREENSHOTS).pathname;
  await page.screenshot({ path, fullPage: true });
  expect(existsSync(path)).toBe(true);
  expect(offsite).toEqual([]);
  await page.close();
}

describe('GraphiQL in headless Chromium', () => {
  it('runs a catalogue query and shows the result', async () => {
    await runInGraphiQL(
      '{ books(first: 5) { totalCount edges { node { title authors { name } category { name } } } } }',
      '罗贯中',
      'graphiql-catalogue.png',
    );
  });

  it('runs a search by pinyin initials and shows the match', async () => {
    await runInGraphiQL(
      '{ searchBooks(query: "sgyy", first: 3) { edges { score matchedField node { title } } } }',
      '三国演义',
      'graphiql-search.png',
    );
  });
});

describe('the default query', () => {
  it('selects what it sorts by', () => {
    const sorted: string[] = [];
    const selected = new Set<string>();
    visit(parse(DEFAULT_QUERY), {
      ObjectField: (field) => {
        if (field.name.value === 'field' && field.value.kind === Kind.ENUM) {
          sorted.push(BOOK_SORT_PROPERTY[field.value.value as keyof typeof BOOK_SORT_PROPERTY]);
        }
      },
      Field: (field) => {
        selected.add(field.name.value);
      },
    });
    expect(sorted).toEqual(['publishedAt']);
    for (const property of sorted) expect(selected).toContain(property);
  });

  it('opens GraphiQL, fits the query editor without scrolling sideways, and runs', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(server.url);
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.locator('.view-line', { hasText: 'availableCopies' }).waitFor({ timeout: 30_000 });
    // Monaco sizes .view-lines to its widest line; the scrollable viewport is what shows.
    const { content, viewport, lines } = await editor.evaluate((element) => ({
      content: element.querySelector<HTMLElement>('.view-lines')?.offsetWidth ?? Infinity,
      viewport: element.querySelector<HTMLElement>('.editor-scrollable')?.clientWidth ?? 0,
      lines: element.querySelectorAll('.view-line').length,
    }));
    expect(lines).toBeGreaterThanOrEqual(DEFAULT_QUERY.trimEnd().split('\n').length);
    expect(viewport).toBeGreaterThan(0);
    expect(content).toBeLessThanOrEqual(viewport);
    await page.close();
    await runInGraphiQL(undefined, 'publishedAt', 'graphiql-default-query.png');
  });
});
