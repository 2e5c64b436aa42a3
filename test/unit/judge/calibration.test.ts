import assert from 'node:assert/strict';
import { applyMap, calibrationReport, fitMap, reliabilitySvg } from '../../../src/core/judge/calibration';

describe('judge/calibration', () => {
  it('ECE is the share-weighted gap between accuracy and confidence per bin', () => {
    const points = [
      ...Array.from({ length: 10 }, (_, i) => ({ confidence: 0.95, right: i < 9 ? 1 : 0 })),
      ...Array.from({ length: 10 }, (_, i) => ({ confidence: 0.25, right: i < 5 ? 1 : 0 })),
    ];
    const r = calibrationReport(points, 10);
    // Bin [0.9, 1]: 0.9 right at 0.95 (gap 0.05); bin [0.2, 0.3): 0.5 at 0.25 (gap 0.25): (0.05 + 0.25) / 2.
    assert.ok(Math.abs(r.ece - 0.15) < 1e-9, String(r.ece));
    assert.equal(r.bins.length, 10);
    assert.equal(r.bins[9].count, 10);
    assert.equal(r.bins[2].accuracy, 0.5);
    assert.equal(r.bins[0].confidence, null);
    assert.equal(
      calibrationReport([{ confidence: 1, right: true }], 5).bins[4].count,
      1,
      '1 falls in the last bin',
    );
    assert.throws(() => calibrationReport([{ confidence: 1.2, right: 1 }]), /not in \[0, 1\]/);
  });

  it('a perfectly calibrated confidence has ECE 0', () => {
    const points = [0, 1, 1, 1].map((right) => ({ confidence: 0.75, right: right as 0 | 1 }));
    assert.equal(calibrationReport(points).ece, 0);
  });

  it('fits a logistic map that recovers the rate of each feature value', () => {
    // Feature 1: right 8 times in 10; feature 0: right 2 times in 10.
    const data = [
      ...Array.from({ length: 10 }, (_, i) => ({ features: { f: 1 }, right: i < 8 ? 1 : 0 })),
      ...Array.from({ length: 10 }, (_, i) => ({ features: { f: 0 }, right: i < 2 ? 1 : 0 })),
    ];
    const map = fitMap(data, ['f'], { l2: 0 });
    assert.ok(Math.abs(applyMap(map, { f: 1 }) - 0.8) < 0.01);
    assert.ok(Math.abs(applyMap(map, { f: 0 }) - 0.2) < 0.01);
    const shrunk = fitMap(data, ['f'], { l2: 10 });
    assert.ok(Math.abs(shrunk.weights.f) < Math.abs(map.weights.f), 'the penalty shrinks the weight');
  });

  it('draws a reliability diagram with one series per mode', () => {
    const report = calibrationReport([{ confidence: 0.5, right: 1 }]);
    const svg = reliabilitySvg([{ name: 'plain <x>', report }]);
    assert.match(svg, /^<svg/);
    assert.match(svg, /plain &lt;x&gt; \(n 1, ECE 0.500\)/);
    assert.match(svg, /<circle/);
  });
});
