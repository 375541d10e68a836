import type { Detector, Threshold } from '../events.js';
import { Enumeration } from './enumeration.js';
import { GeoTiling } from './geo-tiling.js';
import { MaskedPaths } from './masked-paths.js';
import { RateLimitHits } from './rate-limit-hits.js';

export { adjacent, GeoTiling, largestTiling } from './geo-tiling.js';
export { Enumeration, MaskedPaths, RateLimitHits };

/** The detectors by name, each with its threshold; `null` turns one off. */
export interface DetectorThresholds {
  'rate-limit': Threshold | null;
  enumeration: Threshold | null;
  'masked-paths': Threshold | null;
  'geo-tiling': Threshold | null;
}

export type DetectorName = keyof DetectorThresholds;

/** Documented defaults (docs/USAGE.md). */
export const DEFAULT_THRESHOLDS: DetectorThresholds = {
  'rate-limit': { count: 20, windowSeconds: 60 },
  enumeration: { count: 30, windowSeconds: 300 },
  'masked-paths': { count: 5, windowSeconds: 600 },
  'geo-tiling': { count: 16, windowSeconds: 600 },
};

export const DETECTOR_NAMES = Object.keys(DEFAULT_THRESHOLDS) as DetectorName[];

/** The detectors that are on. */
export function createDetectors(t: DetectorThresholds): Detector[] {
  const out: Detector[] = [];
  if (t['rate-limit']) out.push(new RateLimitHits(t['rate-limit']));
  if (t.enumeration) out.push(new Enumeration(t.enumeration));
  if (t['masked-paths']) out.push(new MaskedPaths(t['masked-paths']));
  if (t['geo-tiling']) out.push(new GeoTiling(t['geo-tiling']));
  return out;
}
