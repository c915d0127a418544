import { Prisma } from '../generated/prisma/client.js';
const raw = Prisma.raw;
/** Rows strictly after `cursor` in ascending (value, id) order, NULL values last. */
function greater(key, id, cursor) {
    const col = raw(key.column);
    const idCol = raw(id);
    if (cursor.v === null)
        return Prisma.sql `(${col} IS NULL AND ${idCol} > ${cursor.i})`;
    const value = Prisma.sql `${cursor.v}::${raw(key.type)}`;
    const tail = key.nullable ? Prisma.sql ` OR ${col} IS NULL` : Prisma.empty;
    return Prisma.sql `((${col}, ${idCol}) > (${value}, ${cursor.i})${tail})`;
}
/** Rows strictly before `cursor` in ascending (value, id) order, NULL values last. */
function smaller(key, id, cursor) {
    const col = raw(key.column);
    const idCol = raw(id);
    if (cursor.v === null) {
        return Prisma.sql `(${col} IS NOT NULL OR ${idCol} < ${cursor.i})`;
    }
    return Prisma.sql `((${col}, ${idCol}) < (${cursor.v}::${raw(key.type)}, ${cursor.i}))`;
}
/** The WHERE conditions that cut a list at the page's cursors. */
export function keysetConditions(key, id, direction, page) {
    const conditions = [];
    const ascending = direction === 'ASC';
    if (page.after)
        conditions.push((ascending ? greater : smaller)(key, id, page.after));
    if (page.before)
        conditions.push((ascending ? smaller : greater)(key, id, page.before));
    return conditions;
}
/** ORDER BY for the page: the list's own order, reversed when paginating backwards. */
export function keysetOrder(key, id, direction, inverted) {
    const ascending = (direction === 'ASC') !== inverted;
    const dir = raw(ascending ? 'ASC NULLS LAST' : 'DESC NULLS FIRST');
    const idDir = raw(ascending ? 'ASC' : 'DESC');
    return Prisma.sql `${raw(key.column)} ${dir}, ${raw(id)} ${idDir}`;
}
/** Serialises a row's sort value for a cursor. */
export function cursorValue(key, value) {
    if (value === null || value === undefined)
        return null;
    if (value instanceof Date) {
        return key.type === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
    }
    return String(value);
}
/** AND of conditions (TRUE when there are none). */
export function and(conditions) {
    return conditions.length === 0 ? Prisma.sql `TRUE` : Prisma.join(conditions, ' AND ', '(', ')');
}
