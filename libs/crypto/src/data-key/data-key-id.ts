/**
 * A token encrypted under a data key names it `dk.<uuid>` in its `kid`. Ring key ids may not start
 * with `dk.`, so a token's kid tells at once which cipher opens it.
 */
export const DATA_KEY_KID_PREFIX = 'dk.';

const DATA_KEY_KID = /^dk\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function dataKeyKid(dataKeyId: string): string {
  return `${DATA_KEY_KID_PREFIX}${dataKeyId}`;
}

/** The data key id a token's kid names; undefined when it names no data key (a key ring kid). */
export function dataKeyIdOf(kid: string): string | undefined {
  return DATA_KEY_KID.exec(kid)?.[1];
}
