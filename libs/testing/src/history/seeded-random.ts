/**
 * A small deterministic pseudo-random generator (mulberry32): the same seed gives the same sequence
 * on every machine, so a generated workload can be reproduced exactly from its seed.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index--) {
      const other = this.int(0, index);
      [copy[index], copy[other]] = [copy[other], copy[index]];
    }
    return copy;
  }
}

/** Samples ranks 0..n-1 with probability proportional to 1 / (rank + 1)^exponent. */
export class ZipfSampler {
  private readonly cumulative: number[];

  constructor(
    size: number,
    exponent: number,
    private readonly random: SeededRandom,
  ) {
    if (size < 1) throw new RangeError('a Zipf distribution needs at least one rank');
    this.cumulative = [];
    let total = 0;
    for (let rank = 1; rank <= size; rank++) {
      total += 1 / rank ** exponent;
      this.cumulative.push(total);
    }
    for (let index = 0; index < size; index++) this.cumulative[index] = this.cumulative[index] / total;
  }

  sample(): number {
    const target = this.random.next();
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.cumulative[middle] > target) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
