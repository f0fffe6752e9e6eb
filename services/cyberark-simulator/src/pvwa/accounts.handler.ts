import { type Reply } from '../http/http.types';
import { type StoredAccount, type StoredSafe } from '../state/state.types';
import { type TenantState } from '../state/tenant-state';
import { type WriteOperation } from '../write-log/write-log';
import { generateAccountName } from './account-name';
import { applyPatch, parsePatchDocument, type AccountDraft } from './account-patch';
import { matchesQuery, pageOf, parseAccountQuery, sortAccounts } from './account-query';
import { parseNewAccount } from './account-input';
import { toApiAccount } from './account.mapper';
import { asObject, field } from './json-fields';
import { assertMandatoryPresent, assertPropertiesDefined, visibleProperties } from './platform-properties';
import { jsonBody, nowSeconds, type PvwaContext } from './pvwa.context';
import { PvwaErrors } from './pvwa.errors';
import { isAllowed, membershipOf, requirePermission } from './safe-access';

function toApi(tenant: TenantState, account: StoredAccount) {
  return toApiAccount(account, tenant.getPlatform(account.platformId));
}

function recordWrite(context: PvwaContext, operation: WriteOperation, account: StoredAccount): void {
  context.writeLog.record(context.tenant.id, operation, account);
}

/** Looks an account up and hides it from callers who are not members of its Safe. */
function visibleAccount(
  context: PvwaContext,
  accountId: string,
): { safe: StoredSafe; account: StoredAccount } {
  const found = context.tenant.findAccount(accountId);
  if (!found || !membershipOf(found.safe, context.caller)) throw PvwaErrors.accountNotFound(accountId);
  return found;
}

export function listAccounts(context: PvwaContext): Reply {
  const { tenant, caller } = context;
  const query = parseAccountQuery(context.query, tenant.behaviour);
  const filteredSafe = query.safeName === undefined ? undefined : tenant.getSafe(query.safeName);
  const safes = query.safeName === undefined ? tenant.listSafes() : filteredSafe ? [filteredSafe] : [];
  const options = {
    matchesName: tenant.behaviour.searchMatchesName,
    visibleProperties: (account: StoredAccount) =>
      visibleProperties(tenant.getPlatform(account.platformId), account.platformAccountProperties),
  };
  const matches: StoredAccount[] = [];
  for (const safe of safes) {
    if (!isAllowed(safe, caller, 'listAccounts')) continue;
    for (const account of safe.accounts.values())
      if (matchesQuery(account, query, options)) matches.push(account);
  }
  const page = pageOf(sortAccounts(matches, query.sort), query, tenant.behaviour.nextLinkCarriesQuery);
  const body = {
    value: page.value.map((account) => toApi(tenant, account)),
    count: page.count,
    ...(page.nextLink ? { nextLink: page.nextLink } : {}),
  };
  return { status: 200, body };
}

export function getAccount(context: PvwaContext, [accountId = '']: readonly string[]): Reply {
  const { safe, account } = visibleAccount(context, accountId);
  requirePermission(safe, context.caller, 'listAccounts', () => PvwaErrors.accountNotFound(accountId));
  return { status: 200, body: toApi(context.tenant, account) };
}

export function addAccount(context: PvwaContext): Reply {
  const { tenant, caller } = context;
  const input = parseNewAccount(jsonBody(context));
  const safe = tenant.getSafe(input.safeName);
  // A Safe the caller is not a member of looks exactly like a missing one (I-psPAS#478).
  if (!safe || !membershipOf(safe, caller)) throw PvwaErrors.safeNotFoundForAdd(input.safeName);
  requirePermission(safe, caller, 'addAccounts', () => PvwaErrors.safeNotFoundForAdd(input.safeName));
  const platform = tenant.getPlatform(input.platformId);
  if (!platform) throw PvwaErrors.platformNotFound(input.platformId);
  if (!platform.active) throw PvwaErrors.platformInactive(input.platformId);
  assertPropertiesDefined(platform, input.platformAccountProperties);
  assertMandatoryPresent(platform, input);
  const name =
    input.name ??
    generateAccountName(
      platform.id,
      input.address,
      input.userName,
      (candidate) => tenant.accountsNamed(safe, candidate).length > 0,
    );
  if (input.name !== undefined && tenant.accountsNamed(safe, name).length > 0) {
    throw PvwaErrors.duplicateName(tenant.behaviour.duplicateNameStatus, name, safe.safeName);
  }
  const now = nowSeconds();
  const account = tenant.insertAccount(safe, {
    name,
    address: input.address,
    userName: input.userName,
    platformId: platform.id,
    secretType: input.secretType,
    secret: input.secret,
    platformAccountProperties: input.platformAccountProperties,
    secretManagement: {
      automaticManagementEnabled: input.automaticManagementEnabled,
      ...(input.manualManagementReason !== undefined
        ? { manualManagementReason: input.manualManagementReason }
        : {}),
      status: 'success',
      lastModifiedTime: now,
    },
    ...(input.remoteMachinesAccess ? { remoteMachinesAccess: input.remoteMachinesAccess } : {}),
    createdTime: now,
    categoryModificationTime: now,
  });
  recordWrite(context, 'add', account);
  return { status: 201, body: toApi(tenant, account) };
}

export function patchAccount(context: PvwaContext, [accountId = '']: readonly string[]): Reply {
  const { tenant, caller } = context;
  const { safe, account } = visibleAccount(context, accountId);
  requirePermission(safe, caller, 'updateAccountProperties', () => PvwaErrors.accountNotFound(accountId));
  const draft = applyPatch(account, parsePatchDocument(jsonBody(context)), tenant.behaviour);
  validateDraft(tenant, safe, account, draft);
  commitDraft(tenant, safe, account, draft);
  recordWrite(context, 'patch', account);
  return { status: 200, body: toApi(tenant, account) };
}

function validateDraft(
  tenant: TenantState,
  safe: StoredSafe,
  account: StoredAccount,
  draft: AccountDraft,
): void {
  const platform = tenant.getPlatform(draft.platformId);
  if (!platform) throw PvwaErrors.platformNotFound(draft.platformId);
  const changedProperties: Record<string, string> = {};
  for (const [name, value] of Object.entries(draft.platformAccountProperties)) {
    if (account.platformAccountProperties[name] !== value) changedProperties[name] = value;
  }
  assertPropertiesDefined(platform, changedProperties);
  if (draft.name === account.name) return;
  const clash = tenant.accountsNamed(safe, draft.name).some((other) => other.id !== account.id);
  if (clash) throw PvwaErrors.duplicateName(tenant.behaviour.duplicateNameStatus, draft.name, safe.safeName);
}

function commitDraft(
  tenant: TenantState,
  safe: StoredSafe,
  account: StoredAccount,
  draft: AccountDraft,
): void {
  if (draft.name !== account.name) tenant.renameAccount(safe, account, draft.name);
  const platform = tenant.getPlatform(draft.platformId);
  account.address = draft.address;
  account.userName = draft.userName;
  account.platformId = platform?.id ?? draft.platformId;
  account.platformAccountProperties = draft.platformAccountProperties;
  account.secretManagement = draft.secretManagement;
  if (draft.remoteMachinesAccess) account.remoteMachinesAccess = draft.remoteMachinesAccess;
  account.categoryModificationTime = nowSeconds();
}

export function updatePassword(context: PvwaContext, [accountId = '']: readonly string[]): Reply {
  const { safe, account } = visibleAccount(context, accountId);
  requirePermission(safe, context.caller, 'updateAccountContent', () =>
    PvwaErrors.accountNotFound(accountId),
  );
  const body = asObject(jsonBody(context) ?? {}, 'the request');
  const credentials = field(body, 'NewCredentials');
  if (typeof credentials !== 'string' || credentials.trim() === '')
    throw PvwaErrors.missingParameter('NewCredentials');
  // "Leading and trailing white spaces are removed automatically" (D-PWUPD).
  account.secret = credentials.trim();
  account.secretManagement = { ...account.secretManagement, lastModifiedTime: nowSeconds() };
  recordWrite(context, 'password-update', account);
  return { status: 200 };
}

export function deleteAccount(context: PvwaContext, [accountId = '']: readonly string[]): Reply {
  const { safe, account } = visibleAccount(context, accountId);
  requirePermission(safe, context.caller, 'deleteAccounts', () => PvwaErrors.accountNotFound(accountId));
  context.tenant.deleteAccount(safe, account);
  recordWrite(context, 'delete', account);
  return { status: 204 };
}
