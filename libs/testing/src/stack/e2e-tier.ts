process.env.VB_TEST_TIER = 'e2e';
