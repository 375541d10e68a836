export { COMMON_ROUTES, OPENAPI_PATH, REFERENCE_PATH } from './common.js';
export { COMPONENT_SCHEMAS } from './components.js';
export { CONSUMER_ROUTES } from './consumer.js';
export { CONTRIBUTOR_ROUTES } from './contributor.js';
export { COORDINATOR_ROUTES } from './coordinator/index.js';
export {
  buildOpenApiDocument,
  type OpenApiDocument,
  type OpenApiOptions,
  type Operation,
  openApiPath,
  routeDocs,
  routePaths,
} from './document.js';
export type {
  ApiSurface,
  HttpMethod,
  JsonSchema,
  ParameterDoc,
  PathParams,
  ResponseDoc,
  RouteDoc,
} from './route-doc.js';
