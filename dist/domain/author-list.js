import { Prisma } from '../generated/prisma/client.js';
import { and, keysetConditions, keysetOrder, } from './keyset.js';
export const AUTHOR_SORT_KEYS = {
    NAME: { name: 'NAME', column: 'a.name', type: 'text', nullable: false },
    CREATED_AT: { name: 'CREATED_AT', column: 'a.created_at', type: 'timestamptz', nullable: false },
};
export const AUTHOR_SORT_PROPERTY = {
    NAME: 'name',
    CREATED_AT: 'createdAt',
};
const AUTHOR_COLUMNS = Prisma.raw(`a.id, a.name, a.bio, a.created_at AS "createdAt", a.updated_at AS "updatedAt"`);
function conditions(filter) {
    if (!filter.nameContains)
        return [];
    const pattern = `%${filter.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return [Prisma.sql `a.name ILIKE ${pattern}`];
}
export function authorPageSql(filter, order, page) {
    const key = AUTHOR_SORT_KEYS[order.field];
    const where = and([
        ...conditions(filter),
        ...keysetConditions(key, 'a.id', order.direction, page),
    ]);
    return Prisma.sql `SELECT ${AUTHOR_COLUMNS} FROM author a WHERE ${where}
    ORDER BY ${keysetOrder(key, 'a.id', order.direction, page.inverted)} LIMIT ${page.limit}`;
}
export function authorCountSql(filter) {
    return Prisma.sql `SELECT count(*)::int AS count FROM author a WHERE ${and(conditions(filter))}`;
}
