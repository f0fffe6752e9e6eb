import { type Secret } from '@vault-backup/config';
import { isRetriable } from '@vault-backup/errors';
import {
  type CyberArkError,
  CyberArkDuplicateError,
  CyberArkInvalidRequestError,
  CyberArkUnavailableError,
  isCyberArkError,
} from '../cyberark.errors';
import {
  type AddAccountResult,
  type CyberArkAccount,
  type JsonPatchOp,
  type NewCyberArkAccount,
} from '../cyberark.types';
import { type ApiCall, type PrivilegeCloudRequester } from '../client/privilege-cloud.requester';
import { type QueryValue, type TenantUrls } from '../tenant/tenant-urls';
import { assertValidPatch, reconcilePatch, secretsInPatch, toPatchBody } from './account-patch.builder';
import { secretsIn, toAccountPage, toAddAccountBody, toCyberArkAccount } from './account.mapper';

export interface AccountsApiOptions {
  /** 1..1000 (CyberArk's maximum). */
  readonly pageSize: number;
  /**
   * Send `search=<name>` as a narrowing hint when listing a Safe by name. Only for tenants where search
   * is known to match account names (it often does not); the exact comparison is made here either way.
   */
  readonly searchMatchesNames: boolean;
}

interface NameScan {
  readonly exact?: CyberArkAccount;
  readonly sameNameIgnoringCase: readonly CyberArkAccount[];
}

const PATH_DOES_NOT_EXIST = 'PASWS164E';
const PASSWORD_UPDATE_ROUTE = 'Accounts/{id}/Password/Update';

export class AccountsApi {
  /** Docs say `NewCredentials`; one official SDK sends `newCredentials`. Learnt once per tenant, then kept. */
  #passwordKeysCamelCase = false;

  constructor(
    private readonly urls: TenantUrls,
    private readonly requester: PrivilegeCloudRequester,
    private readonly options: AccountsApiOptions,
  ) {}

  /** The account whose `name` equals `name` exactly in `safe`, or null. Reads every page until found. */
  async findAccountByName(safe: string, name: string): Promise<CyberArkAccount | null> {
    const hint = this.options.searchMatchesNames ? name : undefined;
    const scan = await this.#scanForName(safe, name, hint);
    return scan.exact ?? null;
  }

  /** Every account of a Safe, following every `nextLink`. */
  async *listAccounts(safe: string): AsyncGenerator<CyberArkAccount, void, undefined> {
    yield* this.#list(safe, undefined);
  }

  async getAccount(id: string): Promise<CyberArkAccount> {
    const raw = await this.requester.json(
      this.#call('GET', ['Accounts', id], 'Accounts/{id}', { idempotent: true }),
    );
    return toCyberArkAccount(raw, 'GET Accounts/{id}');
  }

  /**
   * Creates the account, never by a blind retry. When the answer leaves open whether it was created
   * (timeout, reset, 5xx) or says the name is taken (PASWS027E as 409 or 400), the account is looked up
   * by name: found means `{ created: false }`; not found rethrows (retriable when the failure was).
   */
  async addAccount(account: NewCyberArkAccount): Promise<AddAccountResult> {
    assertCreatable(account);
    try {
      const raw = await this.requester.json({
        ...this.#call('POST', ['Accounts'], 'Accounts', { idempotent: false, resource: 'other' }),
        body: toAddAccountBody(account),
        secrets: [
          ...(account.secret ? [account.secret] : []),
          ...secretsIn(account.platformAccountProperties),
        ],
      });
      return { account: toCyberArkAccount(raw, 'POST Accounts'), created: true };
    } catch (error) {
      if (!mayAlreadyExist(error)) throw error;
      return this.#resolveAmbiguousCreate(account, error);
    }
  }

  /**
   * PATCH with JSON Patch ops. Refused with PASWS164E (a path the account lacks), the patch is
   * rewritten once against the account as it really is — a `remove` of an absent property is
   * already done, a `replace` of one becomes `add` — so a diff made from stale knowledge (after a
   * crash between two writes, or a change by hand) converges instead of failing for good.
   */
  async updateAccount(id: string, ops: readonly JsonPatchOp[]): Promise<CyberArkAccount> {
    assertValidPatch(ops);
    if (ops.length === 0) return this.getAccount(id);
    try {
      return await this.#patch(id, ops);
    } catch (error) {
      if (!hasCode(error, PATH_DOES_NOT_EXIST)) throw error;
      const account = await this.getAccount(id);
      const reconciled = reconcilePatch(ops, account);
      if (reconciled.length === 0) return account;
      if (sameOps(reconciled, ops)) throw error;
      return this.#patch(id, reconciled);
    }
  }

  /** Sets the secret in the Vault only (no CPM change). Repeating it with the same secret is harmless. */
  async updateSecret(id: string, secret: Secret): Promise<void> {
    try {
      await this.#sendPasswordUpdate(id, secret, this.#passwordKeysCamelCase);
    } catch (error) {
      if (!mentionsNewCredentials(error)) throw error;
      await this.#sendPasswordUpdate(id, secret, !this.#passwordKeysCamelCase);
      this.#passwordKeysCamelCase = !this.#passwordKeysCamelCase;
    }
  }

  /** For tests and tools; the backup never deletes. */
  async deleteAccount(id: string): Promise<void> {
    await this.requester.send(this.#call('DELETE', ['Accounts', id], 'Accounts/{id}', { idempotent: true }));
  }

  async #resolveAmbiguousCreate(
    account: NewCyberArkAccount,
    original: CyberArkError,
  ): Promise<AddAccountResult> {
    let scan: NameScan;
    try {
      scan = await this.#scanForNameThoroughly(account.safeName, account.name);
    } catch (lookupError) {
      // Prefer whichever error tells the caller to try again.
      throw isRetriable(original) ? original : lookupError;
    }
    const existing =
      scan.exact ?? (scan.sameNameIgnoringCase.length === 1 ? scan.sameNameIgnoringCase[0] : undefined);
    if (existing !== undefined) return { account: existing, created: false };
    if (!(original instanceof CyberArkDuplicateError)) throw original;
    throw new CyberArkDuplicateError(
      `${original.message}; but no account with that name is visible in the Safe (missing List accounts permission?)`,
      original,
    );
  }

  /** With a search hint a miss proves nothing, so it is followed by a full listing. */
  async #scanForNameThoroughly(safe: string, name: string): Promise<NameScan> {
    if (this.options.searchMatchesNames) {
      const hinted = await this.#scanForName(safe, name, name);
      if (hinted.exact !== undefined) return hinted;
    }
    return this.#scanForName(safe, name, undefined);
  }

  async #scanForName(safe: string, name: string, search: string | undefined): Promise<NameScan> {
    const sameNameIgnoringCase: CyberArkAccount[] = [];
    const folded = name.toLowerCase();
    for await (const account of this.#list(safe, search)) {
      if (account.name === name) return { exact: account, sameNameIgnoringCase };
      if (account.name.toLowerCase() === folded) sameNameIgnoringCase.push(account);
    }
    return { sameNameIgnoringCase };
  }

  async *#list(safe: string, search: string | undefined): AsyncGenerator<CyberArkAccount, void, undefined> {
    const query: Record<string, QueryValue> = {
      filter: `safeName eq ${safe}`,
      search,
      limit: this.options.pageSize,
    };
    const visited = new Set<string>();
    let url: string | undefined = this.urls.api(['Accounts'], query);
    while (url !== undefined) {
      visited.add(url);
      const operation = 'GET Accounts';
      const raw = await this.requester.json({
        method: 'GET',
        url,
        route: 'Accounts',
        resource: 'safe',
        idempotent: true,
      });
      const page = toAccountPage(raw, operation);
      // A server that dropped the filter on a nextLink must not make us report another Safe's account.
      yield* page.accounts.filter((account) => account.safeName.toLowerCase() === safe.toLowerCase());
      url = this.#nextPage(page.nextLink, page.accounts.length, query, visited);
    }
  }

  #nextPage(
    nextLink: string | undefined,
    pageLength: number,
    query: Readonly<Record<string, QueryValue>>,
    visited: ReadonlySet<string>,
  ): string | undefined {
    if (nextLink === undefined || pageLength === 0) return undefined;
    const url = this.urls.resolveNextLink(nextLink, query);
    if (visited.has(url)) {
      throw new CyberArkUnavailableError(
        'invalid-response',
        'GET Accounts returned a nextLink to a page already read',
        {
          operation: 'GET Accounts',
        },
      );
    }
    return url;
  }

  async #patch(id: string, ops: readonly JsonPatchOp[]): Promise<CyberArkAccount> {
    const raw = await this.requester.json({
      ...this.#call('PATCH', ['Accounts', id], 'Accounts/{id}', { idempotent: true }),
      body: toPatchBody(ops),
      secrets: secretsInPatch(ops),
    });
    return toCyberArkAccount(raw, 'PATCH Accounts/{id}');
  }

  async #sendPasswordUpdate(id: string, secret: Secret, camelCase: boolean): Promise<void> {
    const body = camelCase
      ? { changeEntireGroup: false, newCredentials: secret.reveal() }
      : { ChangeEntireGroup: false, NewCredentials: secret.reveal() };
    await this.requester.send({
      ...this.#call('POST', ['Accounts', id, 'Password', 'Update'], PASSWORD_UPDATE_ROUTE, {
        idempotent: true,
      }),
      body: JSON.stringify(body),
      secrets: [secret],
    });
  }

  #call(
    method: ApiCall['method'],
    segments: readonly string[],
    route: string,
    options: { idempotent: boolean; resource?: ApiCall['resource'] },
  ): ApiCall {
    return {
      method,
      url: this.urls.api(segments),
      route,
      resource: options.resource ?? 'account',
      idempotent: options.idempotent,
    };
  }
}

function assertCreatable(account: NewCyberArkAccount): void {
  for (const field of ['name', 'safeName', 'platformId'] as const) {
    if (typeof account[field] !== 'string' || account[field].trim() === '') {
      throw new CyberArkInvalidRequestError(`a new account needs a non-empty ${field}`);
    }
  }
  if (account.platformId !== account.platformId.trim()) {
    // A trailing TAB in platformId is a known cause of failed updates; refuse it rather than store it.
    throw new CyberArkInvalidRequestError('platformId has leading or trailing whitespace');
  }
}

function mayAlreadyExist(error: unknown): error is CyberArkError {
  if (error instanceof CyberArkDuplicateError) return true;
  return error instanceof CyberArkUnavailableError && error.requestMayHaveBeenProcessed;
}

function sameOps(a: readonly JsonPatchOp[], b: readonly JsonPatchOp[]): boolean {
  return (
    a.length === b.length && a.every((op, index) => op.op === b[index]?.op && op.path === b[index]?.path)
  );
}

function hasCode(error: unknown, code: string): boolean {
  return isCyberArkError(error) && error.allCodes.some((candidate) => candidate.toUpperCase() === code);
}

/** A 400 complaining about the NewCredentials field means the other key casing is expected. */
function mentionsNewCredentials(error: unknown): boolean {
  return (
    isCyberArkError(error) && error.errorClass === 'invalid-request' && /newcredentials/i.test(error.message)
  );
}
