import { describe, expect, it } from 'vitest';
import type { FloorBurst, FloorResults } from '../../scripts/bench/floor.ts';
import { ratioText } from '../../scripts/bench/floor-report.ts';

const burst = (throughput: number, errors: Partial<FloorBurst> = {}): FloorBurst => ({
  ack: { p50: 5, p99: 20, max: 30, failed: 0 },
  throughput,
  lost: 0,
  duplicates: 0,
  cpuPerCommand: 1,
  journalErrors: 0,
  ...errors,
});

const results = (rounds: Array<[FloorBurst, FloorBurst]>): FloorResults => ({
  n: 400,
  c: 40,
  rounds: rounds.map(([app, floor]) => ({ app, floor })),
  warmUpErrors: { app: 0, floor: 0 },
  appRssMb: 180,
  floorRssMb: 120,
  warnings: [],
});

describe('the floor report', () => {
  const throughput = (b: FloorBurst) => b.throughput;

  it('gives each round app ÷ floor, their median and range, and judges the target by the median', () => {
    const f = results([
      [burst(450), burst(500)],
      [burst(500), burst(500)],
      [burst(400), burst(500)],
    ]);
    expect(ratioText(f, throughput, 0.9, '≥')).toBe('0.90, 1.00, 0.80 (median 0.90, 0.80–1.00; ≥ 0.9 met)');
    expect(ratioText(f, throughput, 0.91, '≥')).toBe(
      '0.90, 1.00, 0.80 (median 0.90, 0.80–1.00; ≥ 0.91 missed)',
    );
    expect(ratioText(f, throughput, 0.89, '≤')).toBe(
      '0.90, 1.00, 0.80 (median 0.90, 0.80–1.00; ≤ 0.89 missed)',
    );
  });

  it('works out no ratio when a floor burst lost, doubled or mis-journalled a command', () => {
    const f = results([
      [burst(450), burst(900, { journalErrors: 400 })],
      [burst(450), burst(500, { lost: 1 })],
      [burst(450), burst(500)],
    ]);
    expect(ratioText(f, throughput, 0.9, '≥')).toBe("n/a (the floor's bursts had 401 errors)");
  });
});
