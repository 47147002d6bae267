// Latency histograms (HDR, microsecond resolution, 3 significant digits) summarised in milliseconds.
import * as hdr from 'hdr-histogram-js';

export function latencyHistogram() {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
  return {
    /** Records one latency given in milliseconds. */
    record: (ms) => h.recordValue(Math.max(1, Math.round(ms * 1000))),
    summary: () => ({
      count: h.totalCount,
      p50: h.getValueAtPercentile(50) / 1000,
      p90: h.getValueAtPercentile(90) / 1000,
      p99: h.getValueAtPercentile(99) / 1000,
      max: h.maxValue / 1000,
    }),
  };
}
