import { type EndpointFamily, type LatencyRule } from './fault.types';

/** Added response time per tenant; the first rule whose families match applies. */
export class LatencyProfile {
  private rules: LatencyRule[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  set(rules: LatencyRule[]): void {
    this.rules = rules;
  }

  list(): readonly LatencyRule[] {
    return this.rules;
  }

  clear(): void {
    this.rules = [];
  }

  delayMs(family: EndpointFamily): number {
    if (this.rules.length === 0) return 0;
    const rule = this.rules.find((candidate) => !candidate.families || candidate.families.includes(family));
    if (!rule) return 0;
    return rule.fixedMs + Math.round(this.random() * rule.jitterMs);
  }
}
