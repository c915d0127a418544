import { ensureTemplate } from './support/database.js';

export default async function setup() {
  await ensureTemplate();
}
