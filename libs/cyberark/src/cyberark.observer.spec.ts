import { type CyberArkClientObserver, notify } from './cyberark.observer';

describe('notify', () => {
  it('calls the hook with its arguments and its observer as this', () => {
    const seen: unknown[] = [];
    const observer: CyberArkClientObserver & { label: string } = {
      label: 'metrics',
      onTokenRequest(this: { label: string }, tenant: string, outcome: string) {
        seen.push(this.label, tenant, outcome);
      },
    };
    notify(observer, 'onTokenRequest', 't1', 'issued');
    expect(seen).toEqual(['metrics', 't1', 'issued']);
  });

  it('swallows what a hook throws and tolerates missing hooks or observers', () => {
    const observer: CyberArkClientObserver = {
      onWarning: () => {
        throw new Error('metrics backend down');
      },
    };
    expect(() => notify(observer, 'onWarning', 't1', 'x')).not.toThrow();
    expect(() => notify(observer, 'onRetry', 't1', 'GET', 'Accounts', 2, 503, 10)).not.toThrow();
    expect(() => notify(undefined, 'onWarning', 't1', 'x')).not.toThrow();
  });
});
