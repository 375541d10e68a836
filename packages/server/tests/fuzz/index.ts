/** The bbk fuzzer: see README.md in this folder. */
export { type FuzzCase, makeCase } from './cases.js';
export { type Bounds, check, errorShapeProblem, type Violation, type ViolationClass } from './invariants.js';
export { buildRequest, parseResponse, RawHttp, type RawResponse } from './raw-http.js';
export { Rng } from './rng.js';
export { type Finding, type FuzzOptions, type FuzzReport, formatReport, runFuzz } from './runner.js';
export { fromSchema } from './schema-gen.js';
export { buildWorld, type Urls, type World } from './world.js';
