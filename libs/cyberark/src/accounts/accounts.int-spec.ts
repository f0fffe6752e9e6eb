import { createServer } from 'node:net';
import { Secret } from '@vault-backup/config';
import {
  CyberArkAccountNotFoundError,
  CyberArkDuplicateError,
  CyberArkInvalidPropertyError,
  CyberArkInvalidRequestError,
  CyberArkPermissionError,
  CyberArkPlatformNotFoundError,
  CyberArkRedirectRefusedError,
  CyberArkSafeNotFoundError,
  CyberArkUnavailableError,
} from '../cyberark.errors';
import { type NewCyberArkAccount } from '../cyberark.types';
import { CyberArkClient } from '../client/cyberark.client';
import { type CyberArkClientOptions } from '../client/cyberark-client.options';
import { FakePrivilegeCloud, type FakeRequest } from '../test/fake-privilege-cloud.server';
import { FAST, connectionTo, expectRejection } from '../test/client-harness';

const isPostAccounts = (request: FakeRequest): boolean =>
  request.method === 'POST' && /\/Accounts$/.test(request.path);
const isListAccounts = (request: FakeRequest): boolean =>
  request.method === 'GET' && /\/api\/Accounts$/i.test(request.path);

const newAccount = (name: string, overrides: Partial<NewCyberArkAccount> = {}): NewCyberArkAccount => ({
  name,
  safeName: 'Backup',
  platformId: 'WinDomain',
  address: 'host.example.com',
  userName: 'alice',
  secret: new Secret(`pw-for-${name}`),
  platformAccountProperties: { Port: '22' },
  ...overrides,
});

describe('accounts (integration, loopback fake)', () => {
  let fake: FakePrivilegeCloud;
  const clients: CyberArkClient[] = [];

  function clientFor(options: CyberArkClientOptions = {}): CyberArkClient {
    const client = new CyberArkClient(connectionTo(fake), { ...FAST, ...options });
    clients.push(client);
    return client;
  }

  beforeEach(async () => {
    fake = await FakePrivilegeCloud.start();
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.dispose();
    await fake.close();
  });

  describe('paging', () => {
    it('follows every nextLink past 1000 accounts and compares names exactly', async () => {
      fake.safes.add('Other');
      fake.seedAccounts('Backup', 2_500);
      fake.seedAccounts('Other', 10, 'other');
      const client = clientFor();
      const found = await client.findAccountByName('Backup', 'seed-2499');
      expect(found).toMatchObject({ name: 'seed-2499', safeName: 'Backup' });
      const pages = fake.requests.filter(isListAccounts);
      expect(pages.map((page) => page.query.get('offset') ?? '0')).toEqual(['0', '1000', '2000']);
      expect(
        pages.every(
          (page) => page.query.get('limit') === '1000' && page.query.get('filter') === 'safeName eq Backup',
        ),
      ).toBe(true);
      expect(pages.some((page) => page.query.has('search'))).toBe(false);

      let listed = 0;
      for await (const account of client.listAccounts('Backup')) {
        expect(account.safeName).toBe('Backup');
        listed += 1;
      }
      expect(listed).toBe(2_500);
    });

    it('returns null when no name matches exactly, even with near misses', async () => {
      fake.seedAccounts('Backup', 3, 'acct');
      const client = clientFor();
      expect(await client.findAccountByName('Backup', 'acct')).toBeNull();
      expect(await client.findAccountByName('Backup', 'ACCT-1')).toBeNull();
      expect(await client.findAccountByName('Backup', 'acct-1')).toMatchObject({ name: 'acct-1' });
    });

    it('puts the filter back when a nextLink drops it', async () => {
      fake.safes.add('Other');
      fake.seedAccounts('Backup', 5);
      fake.seedAccounts('Other', 5, 'other');
      fake.intercept((request) => {
        if (!isListAccounts(request)) return undefined;
        const reply = fake.defaultReply(request);
        const body = reply.body as { nextLink?: string };
        if (body.nextLink !== undefined) body.nextLink = body.nextLink.replace(/&?filter=[^&]*/, '');
        return reply;
      });
      const client = clientFor({ pageSize: 2 });
      const names: string[] = [];
      for await (const account of client.listAccounts('Backup')) names.push(account.name);
      expect(names).toEqual(['seed-0', 'seed-1', 'seed-2', 'seed-3', 'seed-4']);
      expect(
        fake.requests
          .filter(isListAccounts)
          .every((page) => page.query.get('filter') === 'safeName eq Backup'),
      ).toBe(true);
    });

    it('refuses a nextLink that leaves the tenant', async () => {
      fake.seedAccounts('Backup', 3);
      fake.intercept((request) => {
        if (!isListAccounts(request)) return undefined;
        const reply = fake.defaultReply(request);
        const body = reply.body as { nextLink?: string };
        if (body.nextLink !== undefined)
          body.nextLink = 'https://evil.example/PasswordVault/api/Accounts?offset=2';
        return reply;
      });
      const error = await expectRejection(clientFor({ pageSize: 2 }).findAccountByName('Backup', 'nope'));
      expect(error).toBeInstanceOf(CyberArkRedirectRefusedError);
      expect(fake.requests.filter(isListAccounts)).toHaveLength(1);
    });

    it('sends search only when the tenant option says search matches names', async () => {
      fake.seedAccounts('Backup', 3);
      await clientFor({ searchMatchesNames: true }).findAccountByName('Backup', 'seed-1');
      expect(fake.requests.filter(isListAccounts)[0]?.query.get('search')).toBe('seed-1');
    });
  });

  describe('idempotent create', () => {
    it('creates once and reports created: true', async () => {
      const result = await clientFor().addAccount(newAccount('one'));
      expect(result.created).toBe(true);
      expect(result.account).toMatchObject({
        name: 'one',
        safeName: 'Backup',
        platformAccountProperties: { Port: '22' },
      });
      expect([...fake.accounts.values()].map((a) => a.secret)).toEqual(['pw-for-one']);
      expect(JSON.stringify(result)).not.toContain('pw-for-one');
    });

    it.each([409, 400] as const)(
      'resolves a duplicate-name race (PASWS027E as %i) to one account',
      async (status) => {
        fake.duplicateStatus = status;
        const [first, second] = [clientFor(), clientFor()];
        const results = await Promise.all([
          first.addAccount(newAccount('racy')),
          second.addAccount(newAccount('racy')),
        ]);
        expect(results.map((result) => result.created).sort()).toEqual([false, true]);
        expect(results[0]?.account.id).toBe(results[1]?.account.id);
        expect(fake.accounts.size).toBe(1);
        expect(fake.requests.filter(isPostAccounts)).toHaveLength(2);
      },
    );

    it.each([
      ['a 503 after the account was stored', { status: 503 }],
      ['a timeout after the account was stored', { status: 200, delayMs: 400 }],
      ['a dropped connection after the account was stored', { status: 0, destroy: true }],
    ])('never resends the POST on %s: it looks the account up instead', async (_case, failure) => {
      let first = true;
      fake.intercept((request) => {
        if (!isPostAccounts(request) || !first) return undefined;
        first = false;
        fake.defaultReply(request);
        return failure;
      });
      const result = await clientFor({ timeoutMs: 150 }).addAccount(newAccount('landed'));
      expect(result).toMatchObject({ created: false, account: { name: 'landed' } });
      expect(fake.requests.filter(isPostAccounts)).toHaveLength(1);
      expect(fake.accounts.size).toBe(1);
    });

    it('rethrows the transient error when the account did not land, so the caller retries', async () => {
      let first = true;
      fake.intercept((request) => {
        if (!isPostAccounts(request) || !first) return undefined;
        first = false;
        return { status: 502 };
      });
      const client = clientFor();
      const error = await expectRejection(client.addAccount(newAccount('later')));
      expect(error).toBeInstanceOf(CyberArkUnavailableError);
      expect((error as CyberArkUnavailableError).retriable).toBe(true);
      expect(fake.requests.filter(isPostAccounts)).toHaveLength(1);
      expect(await client.addAccount(newAccount('later'))).toMatchObject({ created: true });
    });

    it('does not look up when the request never left (connection refused)', async () => {
      const closedPort = await unusedPort();
      const client = new CyberArkClient(
        connectionTo(fake, { privilegeCloudUrl: `http://127.0.0.1:${closedPort}/t/acme/pcloud` }),
        { ...FAST, retry: { ...FAST.retry, retries: 0 } },
      );
      clients.push(client);
      const error = await expectRejection(client.addAccount(newAccount('nowhere')));
      expect(error).toBeInstanceOf(CyberArkUnavailableError);
      expect((error as CyberArkUnavailableError).reason).toBe('connect-failed');
    });

    it('reports a duplicate it cannot see as a duplicate error', async () => {
      fake.intercept((request) =>
        isPostAccounts(request)
          ? { status: 409, body: { ErrorCode: 'PASWS027E', ErrorMessage: 'exists' } }
          : undefined,
      );
      const error = await expectRejection(clientFor().addAccount(newAccount('ghost')));
      expect(error).toBeInstanceOf(CyberArkDuplicateError);
      expect((error as Error).message).toMatch(/no account with that name is visible/);
    });

    it('keeps the secret out of errors even when the server echoes it', async () => {
      fake.intercept((request) =>
        isPostAccounts(request)
          ? {
              status: 400,
              body: { ErrorCode: 'PASWS999E', ErrorMessage: `bad secret ${JSON.parse(request.body).secret}` },
            }
          : undefined,
      );
      const error = await expectRejection(clientFor().addAccount(newAccount('echo')));
      expect(error).toBeInstanceOf(CyberArkInvalidRequestError);
      expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toContain('pw-for-echo');
    });
  });

  describe('error classes from representative bodies', () => {
    it.each([
      [
        'unknown Safe (PASWS167E + PASWS031E)',
        newAccount('a', { safeName: 'Missing' }),
        CyberArkSafeNotFoundError,
      ],
      ['unknown platform', newAccount('b', { platformId: 'NoSuchPlatform' }), CyberArkPlatformNotFoundError],
      [
        'property the platform does not define',
        newAccount('c', { platformAccountProperties: { Bogus: '1' } }),
        CyberArkInvalidPropertyError,
      ],
    ])('add with %s', async (_case, account, errorType) => {
      expect(await expectRejection(clientFor().addAccount(account))).toBeInstanceOf(errorType);
    });

    it('get of an unknown id is account-not-found', async () => {
      expect(await expectRejection(clientFor().getAccount('7_999'))).toBeInstanceOf(
        CyberArkAccountNotFoundError,
      );
    });

    it('403 PASWS041E is a permission error', async () => {
      fake.intercept((request) =>
        request.method === 'PATCH'
          ? {
              status: 403,
              body: {
                ErrorCode: 'PASWS041E',
                ErrorMessage: 'You are not authorized to perform this action.',
              },
            }
          : undefined,
      );
      const error = await expectRejection(
        clientFor().updateAccount('7_1', [{ op: 'replace', path: '/address', value: 'x' }]),
      );
      expect(error).toBeInstanceOf(CyberArkPermissionError);
    });

    it('a refused patch path never leaves the process', async () => {
      const error = await expectRejection(
        clientFor().updateAccount('7_1', [{ op: 'replace', path: '/safeName' as '/name', value: 'x' }]),
      );
      expect(error).toBeInstanceOf(CyberArkInvalidRequestError);
      expect(fake.requests.filter((request) => request.method === 'PATCH')).toHaveLength(0);
    });
  });

  describe('update', () => {
    it('rewrites a patch refused with PASWS164E against the account: replace of an absent property becomes add', async () => {
      const client = clientFor();
      const { account } = await client.addAccount(newAccount('patchme'));
      const updated = await client.updateAccount(account.id, [
        { op: 'replace', path: '/address', value: 'new.example.com' },
        { op: 'replace', path: '/platformAccountProperties/LogonDomain', value: 'CORP' },
      ]);
      expect(updated).toMatchObject({
        address: 'new.example.com',
        platformAccountProperties: { Port: '22', LogonDomain: 'CORP' },
      });
      const patches = fake.requests
        .filter((request) => request.method === 'PATCH')
        .map((request) => JSON.parse(request.body) as unknown[]);
      expect(patches).toHaveLength(2);
      expect(patches[1]?.[1]).toEqual({
        op: 'add',
        path: '/platformAccountProperties/LogonDomain',
        value: 'CORP',
      });
    });

    it('treats a remove of a property already absent as done, and still applies the rest', async () => {
      const client = clientFor();
      const { account } = await client.addAccount(newAccount('removeme'));
      const updated = await client.updateAccount(account.id, [
        { op: 'remove', path: '/platformAccountProperties/Gone' },
        { op: 'replace', path: '/platformAccountProperties/Port', value: '2222' },
      ]);
      expect(updated.platformAccountProperties).toEqual({ Port: '2222' });
      const patches = fake.requests
        .filter((request) => request.method === 'PATCH')
        .map((request) => JSON.parse(request.body) as unknown);
      expect(patches[1]).toEqual([{ op: 'replace', path: '/platformAccountProperties/Port', value: '2222' }]);
    });

    it('sends nothing more when every op of a refused patch was a remove already done', async () => {
      const client = clientFor();
      const { account } = await client.addAccount(newAccount('noop'));
      await client.updateAccount(account.id, [{ op: 'remove', path: '/platformAccountProperties/Gone' }]);
      expect(fake.requests.filter((request) => request.method === 'PATCH')).toHaveLength(1);
    });

    it('updates the secret with ChangeEntireGroup false', async () => {
      const client = clientFor();
      const { account } = await client.addAccount(newAccount('rotate'));
      await client.updateSecret(account.id, new Secret('new-password-1'));
      const [update] = fake.requests.filter((request) => request.path.endsWith('/Password/Update'));
      expect(JSON.parse(update.body)).toEqual({
        ChangeEntireGroup: false,
        NewCredentials: 'new-password-1',
      });
      expect(fake.accounts.get(account.id)?.secret).toBe('new-password-1');
    });

    it('switches to camelCase keys once when the server asks for newCredentials', async () => {
      fake.intercept((request) => {
        if (!request.path.endsWith('/Password/Update')) return undefined;
        const body = JSON.parse(request.body) as Record<string, unknown>;
        if (typeof body['newCredentials'] === 'string') return { status: 200 };
        return {
          status: 400,
          body: { ErrorCode: 'PASWS167E', ErrorMessage: 'Missing mandatory parameter [newCredentials]' },
        };
      });
      const client = clientFor();
      await client.updateSecret('7_1', new Secret('pw-a'));
      await client.updateSecret('7_1', new Secret('pw-b'));
      const keys = fake.requests
        .filter((r) => r.path.endsWith('/Password/Update'))
        .map((r) => Object.keys(JSON.parse(r.body)).join(','));
      expect(keys).toEqual([
        'ChangeEntireGroup,NewCredentials',
        'changeEntireGroup,newCredentials',
        'changeEntireGroup,newCredentials',
      ]);
    });

    it('deletes an account', async () => {
      const client = clientFor();
      const { account } = await client.addAccount(newAccount('gone'));
      await client.deleteAccount(account.id);
      expect(await expectRejection(client.getAccount(account.id))).toBeInstanceOf(
        CyberArkAccountNotFoundError,
      );
    });
  });
});

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
