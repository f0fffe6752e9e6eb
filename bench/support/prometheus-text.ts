/** A minimal reader of the Prometheus text exposition format (what the service's /metrics answers). */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export class MetricsSnapshot {
  constructor(readonly samples: readonly Sample[]) {}

  static parse(text: string): MetricsSnapshot {
    const samples: Sample[] = [];
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
      if (!match) continue;
      const labels: Record<string, string> = {};
      for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[pair[1]] = pair[2];
      }
      samples.push({ name: match[1], labels, value: Number(match[4]) });
    }
    return new MetricsSnapshot(samples);
  }

  /** Sum over every label set of a metric; 0 when absent. */
  sum(name: string, filter: Readonly<Record<string, string>> = {}): number {
    return this.samples
      .filter((sample) => sample.name === name)
      .filter((sample) => Object.entries(filter).every(([key, value]) => sample.labels[key] === value))
      .reduce((total, sample) => total + sample.value, 0);
  }

  /** Sums of a metric grouped by one label. */
  sumBy(name: string, label: string): Record<string, number> {
    const result: Record<string, number> = {};
    for (const sample of this.samples) {
      if (sample.name !== name) continue;
      const key = sample.labels[label] ?? '';
      result[key] = (result[key] ?? 0) + sample.value;
    }
    return result;
  }
}

export interface HistogramSummary {
  readonly count: number;
  readonly mean: number;
  /** Estimated from the buckets (linear inside a bucket), like PromQL histogram_quantile. */
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: string;
}

/** A histogram summed over all its label sets (apart from `le`). */
export function summarizeHistogram(
  snapshot: MetricsSnapshot,
  name: string,
  filter: Readonly<Record<string, string>> = {},
): HistogramSummary | undefined {
  const matches = (sample: Sample): boolean =>
    Object.entries(filter).every(([key, value]) => sample.labels[key] === value);
  const buckets = new Map<number, number>();
  for (const sample of snapshot.samples) {
    if (sample.name !== `${name}_bucket` || !matches(sample)) continue;
    const le = sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + sample.value);
  }
  const count = snapshot.sum(`${name}_count`, filter);
  if (count === 0 || buckets.size === 0) return undefined;
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const quantile = (q: number): number => {
    const rank = q * count;
    let previousBound = 0;
    let previousCount = 0;
    for (const [bound, cumulative] of sorted) {
      if (cumulative >= rank) {
        if (bound === Infinity) return previousBound;
        const inBucket = cumulative - previousCount;
        return inBucket > 0
          ? previousBound + ((bound - previousBound) * (rank - previousCount)) / inBucket
          : bound;
      }
      previousBound = bound;
      previousCount = cumulative;
    }
    return previousBound;
  };
  const top = sorted.find(([, cumulative]) => cumulative >= count);
  return {
    count,
    mean: snapshot.sum(`${name}_sum`, filter) / count,
    p50: quantile(0.5),
    p90: quantile(0.9),
    p99: quantile(0.99),
    max: top ? (top[0] === Infinity ? '+Inf' : `<= ${top[0]}`) : '?',
  };
}

export async function scrapeMetrics(url: string): Promise<MetricsSnapshot> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} → ${response.status}`);
  return MetricsSnapshot.parse(await response.text());
}
