export { removePath } from '../query/index.js';
export { rewriteLinks } from './bbk-links.js';
export { type CompiledPolicy, compilePolicy, type LegalNotice, parseMasks, segmentIr } from './compiled-policy.js';
export { maskRecord, type RecordSections, seriesMasked } from './record-masks.js';
