import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { printableSchema } from '../schema/index.js';
import { isMain } from './is-main.js';
/** Where the printed contract lives. */
export const SCHEMA_FILE = new URL('../../schema/schema.graphql', import.meta.url);
/** The SDL exactly as committed. */
export const printedSchema = () => `${printSchema(printableSchema())}\n`;
if (isMain(import.meta.url)) {
    writeFileSync(SCHEMA_FILE, printedSchema());
    process.stdout.write(`wrote ${SCHEMA_FILE.pathname}\n`);
}
