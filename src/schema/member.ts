import { builder } from '../builder.js';
import { type Context, isLibrarian, viewerId } from '../context.js';
import { likeEscape } from '../data/sql.js';
import { isRowId } from '../domain/cursor.js';
import { badUserInput } from '../errors.js';
import { LoanConnection, LoanRef, loanStatusArg, loansConnection } from './loan.js';
import { orderInput } from './ordering.js';
import { loadOrNull, parseGlobalId, parseLocalId, TOTAL_COUNT_DESCRIPTION } from './pagination.js';

/**
 * Librarians see every member; a member sees only themself (also in the answer of the signIn
 * or registerMember that just proved who they are).
 */
const canSee = (member: { id: number }, ctx: Context) =>
  isLibrarian(ctx.viewer) || member.id === viewerId(ctx.viewer) || member.id === ctx.signedIn;

export const MemberRoleEnum = builder.enumType('MemberRole', {
  description: 'What a member may do',
  values: {
    MEMBER: { description: 'Borrows and reserves books for themself' },
    LIBRARIAN: { description: 'Also runs the desk: the catalogue, copies, members, every loan' },
  },
});

export const MemberRef = builder.prismaNode('Member', {
  description:
    'Someone with a library card. Visible to themself and to librarians; for anyone else a ' +
    'field returning a member is null with a FORBIDDEN error.',
  id: { field: 'id' },
  // node(id) finds only a member the caller may see (themself; librarians anyone): anyone
  // else is as missing as no member, so that node ids tell nothing of who exists.
  findUnique: (id, ctx) => {
    const memberId = parseLocalId(id, 'Member');
    return isLibrarian(ctx.viewer) || memberId === viewerId(ctx.viewer)
      ? { id: memberId }
      : { id: memberId, AND: [{ id: 0 }] };
  },
  nullable: true,
  authScopes: (member, ctx) => canSee(member, ctx),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Full name' }),
    email: t.exposeString('email', { description: 'Lower case; unique' }),
    role: t.field({
      type: MemberRoleEnum,
      description: 'What they may do',
      resolve: (m) => m.role,
    }),
    maxActiveLoans: t.exposeInt('maxActiveLoans', {
      description: 'How many open loans (PENDING, BORROWED, OVERDUE) they may have at once',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When they joined' }),
  }),
});

builder.objectFields(MemberRef, (t) => ({
  activeLoans: t.field({
    type: [LoanRef],
    description: 'Open loans (PENDING, BORROWED, OVERDUE), newest first',
    resolve: (member, _args, ctx) => ctx.loaders.openLoansOfMember.load(member.id),
  }),
  loans: t.connection(
    {
      type: LoanRef,
      description: 'All loans, newest first',
      args: { status: loanStatusArg(t) },
      resolve: (member, args, ctx) => loansConnection('member', member.id, args, ctx),
    },
    LoanConnection,
  ),
}));

const MemberFilter = builder.inputType('MemberFilter', {
  description: 'Which members to list; every condition given must hold',
  fields: (t) => ({
    nameOrEmail: t.string({ description: 'Case-insensitive substring of the name or email' }),
    role: t.field({ type: MemberRoleEnum, description: 'Only members of this role' }),
  }),
});

/** The members a filter keeps: a case-insensitive substring of name or email, a role. */
function memberWhere(filter: typeof MemberFilter.$inferInput | null | undefined) {
  // Prisma's `contains` is a LIKE pattern: its wildcards are escaped to match literally.
  const text = filter?.nameOrEmail ? likeEscape(filter.nameOrEmail) : undefined;
  return {
    ...(text && {
      OR: [
        { name: { contains: text, mode: 'insensitive' as const } },
        { email: { contains: text, mode: 'insensitive' as const } },
      ],
    }),
    ...(filter?.role && { role: filter.role }),
  };
}

const MEMBER_ORDER_COLUMNS = { NAME: 'name', EMAIL: 'email', CREATED_AT: 'createdAt' } as const;

const MemberOrder = orderInput('MemberOrder', 'members', {
  NAME: 'Name, in the database collation',
  EMAIL: 'Email address',
  CREATED_AT: 'When they joined',
} satisfies Record<keyof typeof MEMBER_ORDER_COLUMNS, string>);

builder.queryFields((t) => ({
  me: t.field({
    type: MemberRef,
    nullable: true,
    description:
      'The signed-in member; null when signed out (no error: the rest of the request answers ' +
      'as usual). A bad or expired token is still UNAUTHENTICATED (HTTP 401) for the request.',
    resolve: (_root, _args, ctx) => {
      const id = viewerId(ctx.viewer);
      return id === undefined ? null : loadOrNull(ctx.loaders.member, id);
    },
  }),
  member: t.field({
    type: MemberRef,
    nullable: true,
    description:
      'A member by id, null when there is none. Librarians only: FORBIDDEN (or, signed out, ' +
      'UNAUTHENTICATED) for anyone else; a malformed id is BAD_USER_INPUT',
    authScopes: { librarian: true },
    args: { id: t.arg.id({ required: true, description: 'The member' }) },
    resolve: (_root, { id }, ctx) => loadOrNull(ctx.loaders.member, parseGlobalId(id, 'Member')),
  }),
  members: t.prismaConnection(
    {
      type: 'Member',
      cursor: 'id',
      nullable: true,
      description:
        'Members, by id unless `orderBy` says otherwise. Librarians only: null for anyone ' +
        'else, with a FORBIDDEN (or, signed out, UNAUTHENTICATED) error; the rest of the ' +
        'request still answers',
      authScopes: { librarian: true },
      maxSize: 100,
      args: {
        filter: t.arg({ type: MemberFilter, description: 'Which members; all when left out' }),
        orderBy: t.arg({ type: MemberOrder, description: 'Sort order; by id when left out' }),
      },
      totalCount: (_root, { filter }, ctx) =>
        ctx.readDb.member.count({ where: memberWhere(filter) }),
      resolve: (query, _root, { filter, orderBy }, ctx) => {
        // The plugin decodes the cursor to whatever number it holds: one past the serial's
        // range would reach PostgreSQL.
        if (query.cursor && !isRowId(query.cursor.id)) throw badUserInput('Invalid cursor');
        return ctx.db.member.findMany({
          ...query,
          where: memberWhere(filter),
          // The id breaks ties, so that the cursor (the id) cuts the list at one place.
          orderBy: orderBy
            ? [
                {
                  [MEMBER_ORDER_COLUMNS[orderBy.field]]:
                    orderBy.direction === 'DESC' ? 'desc' : 'asc',
                },
                { id: orderBy.direction === 'DESC' ? 'desc' : 'asc' },
              ]
            : [{ id: 'asc' }],
        });
      },
    },
    {
      name: 'MemberConnection',
      description: 'A page of members',
      // In place of the Prisma plugin's own totalCount field, which has no description.
      fields: (c) => ({
        totalCount: c.int({
          description: TOTAL_COUNT_DESCRIPTION,
          resolve: (connection) =>
            (connection as { totalCount: () => Promise<number> }).totalCount(),
        }),
      }),
    },
    { name: 'MemberEdge', description: 'A member in a page of members' },
  ),
}));
