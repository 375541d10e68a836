/**
 * Consumer activity per access: usage figures, violation detectors and guards (docs/USAGE.md).
 * Pure in-memory aggregation over the `ActivityStore`; fed by the Consumer API, one event per call.
 */
export { ActivityMonitor, type ActivityMonitorOptions } from './activity-monitor.js';
export {
  adjacent,
  createDetectors,
  DEFAULT_THRESHOLDS,
  DETECTOR_NAMES,
  type DetectorName,
  type DetectorThresholds,
  largestTiling,
} from './detectors/index.js';
export type { ActivityEvent, ConsumerRoute, Detector, Finding, Severity, Threshold } from './events.js';
export { type QueryFeatures, queryFeatures } from './query-features.js';
export { UsageMeter } from './usage-meter.js';
