import { ConsumerSupervisor, PipelineStuckError } from './consumer.supervisor';
import { ManualClock } from '../health/test/manual-clock';

const T0 = Date.parse('2026-03-01T10:00:00Z');

function supervisor() {
  const clock = new ManualClock(T0);
  const subject = new ConsumerSupervisor({ fatalAfterMs: 60_000 }, clock, clock.now);
  const fatal = jest.fn();
  subject.onFatal(fatal);
  return { clock, subject, fatal };
}

describe('ConsumerSupervisor', () => {
  it('holds a stuck report from the moment it is made', () => {
    const { subject, fatal } = supervisor();
    const bug = new TypeError('cannot read properties of undefined');
    subject.reportStuck(bug);
    expect(subject.stuckReport()).toEqual({ error: bug, since: T0 });
    expect(fatal).not.toHaveBeenCalled();
  });

  it('turns a stuck report that is not cleared within the bound into the fatal error, once', () => {
    const { clock, subject, fatal } = supervisor();
    subject.reportStuck(new Error('planner bug'));
    clock.advance(59_999);
    expect(fatal).not.toHaveBeenCalled();
    clock.advance(1);
    expect(fatal).toHaveBeenCalledTimes(1);
    const error = fatal.mock.calls[0]![0] as PipelineStuckError;
    expect(error).toBeInstanceOf(PipelineStuckError);
    expect(error.message).toBe(
      'the pipeline has been stuck since 2026-03-01T10:00:00.000Z (no successful batch within 60s): planner bug',
    );
    expect(subject.fatalError()).toBe(error);
  });

  it('does not push the deadline back when the same trouble is reported again, but keeps the latest reason', () => {
    const { clock, subject, fatal } = supervisor();
    subject.reportStuck(new Error('first'));
    clock.advance(40_000);
    subject.reportStuck(new Error('second'));
    expect(subject.stuckReport()).toMatchObject({ since: T0, error: { message: 'second' } });
    clock.advance(20_000);
    expect(fatal).toHaveBeenCalledTimes(1);
  });

  it('forgets a report cleared by a successful batch, and a later report gets a fresh bound', () => {
    const { clock, subject, fatal } = supervisor();
    subject.reportStuck(new Error('transient bug'));
    clock.advance(30_000);
    subject.clearStuck();
    expect(subject.stuckReport()).toBeUndefined();
    clock.advance(60_000);
    expect(fatal).not.toHaveBeenCalled();

    subject.reportStuck(new Error('again'));
    clock.advance(59_000);
    expect(fatal).not.toHaveBeenCalled();
    expect(subject.stuckReport()?.since).toBe(T0 + 90_000);
  });

  it('keeps a crash fatal and ignores stuck reports after it', () => {
    const { clock, subject, fatal } = supervisor();
    subject.reportFatal(new Error('consumer crashed'));
    subject.reportStuck(new Error('late bug'));
    clock.advance(120_000);
    expect(fatal).toHaveBeenCalledTimes(1);
    expect(subject.stuckReport()).toBeUndefined();
  });
});
