import {
  type Harness,
  SAFE,
  TENANT,
  expectOk,
  seedStandardTenant,
  startHarness,
} from '../../test/simulator-harness';

interface Page {
  value: { id: string; name: string }[];
  count: number;
  nextLink?: string;
}

describe('paging past 1000 accounts (HTTP)', () => {
  const TOTAL = 2_345;
  let harness: Harness;
  let token: string;

  beforeAll(async () => {
    harness = await startHarness();
    await seedStandardTenant(harness);
    token = await harness.token();
    for (let index = 0; index < TOTAL; index++) {
      await expectOk(
        harness.api('POST', '/Accounts', {
          token,
          body: {
            safeName: SAFE,
            platformId: 'WinDomain',
            name: `acc-${index}`,
            address: `h${index}`,
            userName: 'u',
            secret: 's',
          },
        }),
      );
    }
  }, 60_000);
  afterAll(() => harness.stop());

  it('follows nextLink (relative to /PasswordVault/) through every page exactly once', async () => {
    const vaultBase = `${harness.baseUrl}/t/${TENANT}/pcloud/PasswordVault/`;
    let url: string | undefined =
      `${vaultBase}api/Accounts?limit=1000&filter=${encodeURIComponent(`safeName eq ${SAFE}`)}`;
    const seen: string[] = [];
    const pageSizes: number[] = [];
    while (url) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      const page = (await response.json()) as Page;
      expect(page.count).toBe(TOTAL);
      pageSizes.push(page.value.length);
      seen.push(...page.value.map((account) => account.name));
      url = page.nextLink ? `${vaultBase}${page.nextLink}` : undefined;
    }
    expect(pageSizes).toEqual([1000, 1000, 345]);
    expect(new Set(seen).size).toBe(TOTAL);
  });

  it('uses 50 as the default page size and honours offset', async () => {
    const answer = await expectOk(harness.api('GET', '/Accounts?offset=2340', { token }));
    const page = answer.json as Page;
    expect(page.value.map((account) => account.name)).toEqual([
      'acc-2340',
      'acc-2341',
      'acc-2342',
      'acc-2343',
      'acc-2344',
    ]);
    const first = (await expectOk(harness.api('GET', '/Accounts', { token }))).json as Page;
    expect(first.value).toHaveLength(50);
    expect(first.nextLink).toBe('api/Accounts?offset=50&limit=50');
  });
});
