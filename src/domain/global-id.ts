import { decodeGlobalID } from '@pothos/plugin-relay';
import { badUserInput } from '../errors.js';

/** Types that implement `Node`: a global ID naming anything else is refused. */
export const NODE_TYPES = new Set(['Book', 'Author', 'Category']);

const shown = (raw: string) => raw.slice(0, 64);

/** Decodes a Relay global ID (base64 of "Type:id"), or throws BAD_USER_INPUT. */
export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    throw badUserInput(`Malformed ID "${shown(globalId)}"`);
  }
  if (!NODE_TYPES.has(decoded.typename)) {
    throw badUserInput(`"${shown(globalId)}" is not the ID of any type`);
  }
  return decoded;
}

/** Parses the local part of a global ID of `typename` to a row id, or throws BAD_USER_INPUT. */
export function parseLocalId(localId: string | number, typename: string): number {
  const id = Number(localId);
  if (!Number.isSafeInteger(id) || id <= 0 || `${id}` !== `${localId}`) {
    throw badUserInput(`"${shown(String(localId))}" is not the ID of a ${typename}`);
  }
  return id;
}

/** Decodes a global ID of `typename` to its row id, or throws BAD_USER_INPUT. */
export function parseGlobalId(globalId: string, typename: string): number {
  const decoded = decodeGlobalId(globalId);
  if (decoded.typename !== typename) {
    throw badUserInput(`"${shown(globalId)}" is not the ID of a ${typename}`);
  }
  return parseLocalId(decoded.id, typename);
}
