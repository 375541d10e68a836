/** The component schemas an OpenAPI document may reference: the request and response schemas, declared once. */
import * as responses from '../responses.js';
import {
  connectorSchema,
  entityTypeSchema,
  policySchema,
  recordDeleteSchema,
  recordUpsertSchema,
  userCreateSchema,
  userUpdateSchema,
} from '../schemas.js';
import { errorSchemas, type JsonSchema } from './route-doc.js';

/** `indexes` of an entity type body (bbk extension, docs/DECISIONS.md); checked by the server itself. */
const indexesSchema = {
  type: 'array',
  maxItems: 16,
  uniqueItems: true,
  items: { type: 'string', pattern: '^(entity|instance)(\\.[A-Za-z0-9_-]{1,64}){1,8}$' },
  description: 'Dotted record paths the catalog keeps an index for',
} as const;

/** What is checked of a served OpenAPI document. */
const openApiDocumentSchema = {
  type: 'object',
  properties: { openapi: { const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' } },
  required: ['openapi', 'info', 'paths'],
} as const;

/** Every component schema by name; a document includes those its operations reference. */
export const COMPONENT_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  // request bodies (validated by the server, spec §1.8)
  UserCreate: userCreateSchema,
  UserUpdate: userUpdateSchema,
  EntityTypeInput: { ...entityTypeSchema, properties: { ...entityTypeSchema.properties, indexes: indexesSchema } },
  ConnectorInput: connectorSchema,
  PolicyInput: policySchema,
  RecordUpsert: recordUpsertSchema,
  RecordDelete: recordDeleteSchema,
  // responses
  Announce: responses.announceSchema,
  UserListItem: responses.userListItemSchema,
  UserDetail: responses.userDetailSchema,
  EntityTypeListItem: responses.entityTypeListItemSchema,
  EntityTypeDetail: responses.entityTypeDetailSchema,
  ConnectorListItem: responses.connectorListItemSchema,
  ConnectorDetail: responses.connectorDetailSchema,
  ConnectorCreated: responses.connectorCreatedSchema,
  ConnectorHealth: responses.connectorHealthSchema,
  PolicyListItem: responses.policyListItemSchema,
  PolicyDetail: responses.policyDetailSchema,
  AccessControl: responses.accessControlSchema,
  AccessItem: responses.accessItemSchema,
  SearchResult: responses.searchResultSchema,
  SessionId: responses.sessionIdSchema,
  SessionReport: responses.sessionReportSchema,
  CatalogItem: responses.catalogItemSchema,
  ConsumerEntityType: responses.consumerEntityTypeSchema,
  EntityDetail: responses.entityDetailSchema,
  Liveness: responses.livenessSchema,
  Readiness: responses.readinessSchema,
  OpenApiDocument: openApiDocumentSchema,
  ...errorSchemas(),
};
