// Latency histograms (HDR, microsecond resolution, 3 significant digits) summarised in milliseconds.
import * as hdr from 'hdr-histogram-js';

const build = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });

const summarize = (h) => ({
  count: h.totalCount,
  p50: h.getValueAtPercentile(50) / 1000,
  p90: h.getValueAtPercentile(90) / 1000,
  p99: h.getValueAtPercentile(99) / 1000,
  max: h.maxValue / 1000,
});

/** One summary of histograms recorded in several processes (each sent as `encoded()`). */
export function mergeEncoded(list) {
  const h = build();
  for (const e of list) if (e) h.add(hdr.decodeFromCompressedBase64(e));
  return summarize(h);
}

export function latencyHistogram() {
  const h = build();
  return {
    /** The histogram, compressed, to merge in another process (mergeEncoded). */
    encoded: () => hdr.encodeIntoCompressedBase64(h),
    /** Records one latency given in milliseconds. */
    record: (ms) => h.recordValue(Math.max(1, Math.round(ms * 1000))),
    summary: () => summarize(h),
  };
}
