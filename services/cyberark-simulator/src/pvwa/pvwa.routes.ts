import { Router } from '../http/router';
import {
  addAccount,
  deleteAccount,
  getAccount,
  listAccounts,
  patchAccount,
  updatePassword,
} from './accounts.handler';
import { getPlatform, listPlatforms } from './platforms.handler';
import { type PvwaContext } from './pvwa.context';
import { getSafe, getSafeMember, listSafeMembers, listSafes } from './safes.handler';

/** Routes below `{pcloud}/PasswordVault/API`. */
export function createPvwaRouter(): Router<PvwaContext> {
  return new Router<PvwaContext>()
    .add('GET', '/Accounts', 'accounts', listAccounts)
    .add('POST', '/Accounts', 'accounts', addAccount)
    .add('GET', '/Accounts/:id', 'accounts', getAccount)
    .add('PATCH', '/Accounts/:id', 'accounts', patchAccount)
    .add('DELETE', '/Accounts/:id', 'accounts', deleteAccount)
    .add('POST', '/Accounts/:id/Password/Update', 'accounts', updatePassword)
    .add('GET', '/Safes', 'safes', listSafes)
    .add('GET', '/Safes/:safeUrlId', 'safes', getSafe)
    .add('GET', '/Safes/:safeUrlId/Members', 'safes', listSafeMembers)
    .add('GET', '/Safes/:safeUrlId/Members/:memberName', 'safes', getSafeMember)
    .add('GET', '/Platforms', 'platforms', listPlatforms)
    .add('GET', '/Platforms/:platformId', 'platforms', getPlatform);
}
