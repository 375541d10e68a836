/** The component schemas an OpenAPI document may reference: the request and response schemas, declared once. */
import { auditEntrySchema } from '../audit.js';
import * as responses from '../responses.js';
import {
  accessGuardInputSchema,
  connectorSchema,
  entityTypeSchema,
  policySchema,
  recordDeleteSchema,
  recordUpsertSchema,
  tokenExpiresSchema,
  tokenLifetimeSchema,
  userCreateSchema,
  userUpdateSchema,
} from '../schemas.js';
import { errorSchemaName, errorSchemas, type JsonSchema, ref } from './route-doc.js';

/** `indexes` of an entity type body (bbk extension, docs/DECISIONS.md); checked by the server itself. */
const indexesSchema = {
  type: 'array',
  maxItems: 16,
  uniqueItems: true,
  items: { type: 'string', pattern: '^(entity|instance)(\\.[A-Za-z0-9_-]{1,64}){1,8}$' },
  description: 'Dotted record paths the catalog keeps an index for',
} as const;

/**
 * The one 401 with a message (bbk extension, docs/DECISIONS.md): a token past its `expires`. Spec §1.7 keeps
 * every other 401 message empty (`Error401`).
 */
const tokenExpiredSchema = {
  allOf: [
    ref(errorSchemaName()),
    {
      properties: {
        error: {
          properties: { code: { const: 401 }, status: { const: 'Unauthorized' }, message: { const: 'token expired' } },
        },
      },
    },
  ],
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
  // connector create also takes the contributor token's lifetime (bbk extension; update ignores it)
  ConnectorCreate: { ...connectorSchema, properties: { ...connectorSchema.properties, expires: tokenExpiresSchema } },
  TokenLifetime: tokenLifetimeSchema,
  AccessGuardInput: accessGuardInputSchema,
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
  AuditEntry: auditEntrySchema,
  AuditVerdict: responses.auditVerdictSchema,
  AccessUsage: responses.accessUsageSchema,
  Violation: responses.violationSchema,
  AccessGuard: responses.accessGuardSchema,
  PolicyPreview: responses.policyPreviewSchema,
  CatalogExplain: responses.catalogExplainSchema,
  SessionId: responses.sessionIdSchema,
  SessionReport: responses.sessionReportSchema,
  CatalogItem: responses.catalogItemSchema,
  ConsumerEntityType: responses.consumerEntityTypeSchema,
  EntityDetail: responses.entityDetailSchema,
  Liveness: responses.livenessSchema,
  Readiness: responses.readinessSchema,
  OpenApiDocument: openApiDocumentSchema,
  TokenExpired: tokenExpiredSchema,
  ...errorSchemas(),
};
