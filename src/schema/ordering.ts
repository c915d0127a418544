import { builder } from '../builder.js';

export const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Sort direction',
  values: {
    ASC: { description: 'Smallest first (A to Z, oldest first); missing values last' },
    DESC: { description: 'Largest first (Z to A, newest first); missing values first' },
  },
});

/**
 * An `orderBy` input of a list: `{ field: <Name>Field!, direction: OrderDirection! = ASC }`,
 * its `<Name>Field` enum made of `fields` (each sort key with its description).
 */
export function orderInput<Field extends string>(
  name: string,
  subject: string,
  fields: Record<Field, string>,
) {
  const FieldEnum = builder.enumType(`${name}Field`, {
    description: `What ${subject} are sorted by`,
    values: Object.fromEntries(
      Object.entries<string>(fields).map(([field, description]) => [field, { description }]),
    ) as Record<Field, { description: string }>,
  });
  return builder.inputType(name, {
    description: `How ${subject} are sorted; rows that tie are ordered by id, in the same direction`,
    fields: (t) => ({
      field: t.field({ type: FieldEnum, required: true, description: 'The sort key' }),
      direction: t.field({
        type: OrderDirection,
        required: true,
        defaultValue: 'ASC',
        description: 'ASC unless given',
      }),
    }),
  });
}
