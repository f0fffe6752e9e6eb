// Per-tier test timeouts: jest's testTimeout is global, so each tier sets its own here.
jest.setTimeout(
  Number(process.env.VB_TEST_TIMEOUT_MS ?? (process.env.VB_TEST_TIER === 'e2e' ? 120_000 : 60_000)),
);
