// The OpenAPI 3.1 document served at /openapi.json: the control API, built from the route table
// the router is built from (control-api.ts), and the bank API's two endpoints in summary.
import { z } from 'zod';
import { BANK_API_BASE_PATH } from './api-routes';
import { CONTROL_API_PREFIX, CONTROL_ROUTES, type ControlRoute } from './control-api';
import { API_VERSION } from './envelope';
import { faultsSchema } from './faults';

export const OPENAPI_PATH = '/openapi.json';

type JsonSchema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const listOf = (name: string) => ({ type: 'array', items: ref(name) });
const str = (description?: string) => (description ? { type: 'string', description } : { type: 'string' });
const dateTime = (description: string) => ({ type: 'string', format: 'date-time', description });
const int = (description?: string) => (description ? { type: 'integer', description } : { type: 'integer' });

function fromZod(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  return json;
}

const object = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required });

const NOTIFICATION = object({
  id: int(), shopNo: str(), orderNo: str(), payToken: str('what the BackendURL receives, with the ShopNo'), url: str('the BackendURL'),
  createdAt: dateTime('when the payment started it'),
  state: { enum: ['pending', 'acknowledged', 'gave-up', 'cancelled'] },
  attempts: int('delivery attempts made so far'),
}, ['id', 'shopNo', 'orderNo', 'payToken', 'url', 'createdAt', 'state', 'attempts']);

const DELIVERY = object({
  notificationId: int(), shopNo: str(), orderNo: str(), payToken: str(), url: str(),
  attempt: int('1 for the first delivery'), copy: int('0, or 1..N for the copies of the duplicate fault'),
  at: dateTime('sandbox time of the attempt'), durationMs: int(),
  statusCode: int('HTTP status the BackendURL answered'), body: str('the first 200 characters of its answer'),
  error: str('connection error, when there was no answer'),
  outcome: { enum: ['acknowledged', 'rejected', 'error', 'timeout', 'dropped'] },
}, ['notificationId', 'shopNo', 'orderNo', 'payToken', 'url', 'attempt', 'copy', 'at', 'durationMs', 'outcome']);

const PAYMENT = object({
  payToken: str(), apType: { enum: ['PayOut', 'CaptureOut'] }, status: { enum: ['S', 'F'], description: 'S approved or paid, F declined' },
  description: str(), at: dateTime('sandbox time of the payment'),
}, ['payToken', 'apType', 'status', 'description', 'at']);

const ORDER = object({
  shopNo: str(), orderNo: str(), tsNo: str(), payType: { enum: ['A', 'C'] }, amount: int('TWD×100'), prdtName: str(),
  payStatus: { enum: ['1A200', '1A250', '1A400', '1C200', '1C250', '1C300', '1C350', '1C351', '1C400'] },
  createdAt: { type: 'string', format: 'date-time' }, approvedAt: { type: 'string', format: 'date-time' },
  paidAt: { type: 'string', format: 'date-time' }, returnUrl: str(), backendUrl: str(),
  atm: object({ payNo: str('the virtual account (AtmPayNo)'), expireDate: str('yyyyMMdd') }, ['payNo', 'expireDate']),
  card: object({
    payUrl: str('CardPayURL'), linkExpiresAt: { type: 'string', format: 'date-time' }, autoBilling: { type: 'boolean' },
    linkUsed: { type: 'boolean' }, leftCCNo: str(), rightCCNo: str(), ccExpDate: str('YYMM'),
  }, ['payUrl', 'linkExpiresAt', 'autoBilling', 'linkUsed']),
  refunds: { type: 'array', items: object({ amount: int(), at: { type: 'string', format: 'date-time' }, remark: str() }, ['amount', 'at']) },
  payments: { type: 'array', items: object({ payToken: str(), apType: str(), status: str(), at: { type: 'string', format: 'date-time' } }, ['payToken', 'apType', 'status', 'at']) },
  faults: ref('Faults'),
  notifications: listOf('NotificationWithDeliveries'),
}, ['shopNo', 'orderNo', 'tsNo', 'payType', 'amount', 'prdtName', 'payStatus', 'createdAt', 'returnUrl', 'refunds', 'payments', 'faults', 'notifications']);

const SCHEMAS: Record<string, unknown> = {
  Error: object({
    error: str('what was wrong, in English'), code: str('the bank result code, when the order\'s state refused it (e.g. E2001)'),
    issues: { type: 'array', description: 'zod\'s issues, for an invalid body or query' },
  }, ['error']),
  Faults: fromZod(faultsSchema),
  Order: ORDER,
  OrderList: listOf('Order'),
  Payment: PAYMENT,
  PaymentView: object({
    payment: ref('Payment'),
    tsResultContent: { type: 'object', description: 'what OrderPayQuery answers as TSResultContent for the payment\'s PayToken (PROTOCOL.md §4.4)' },
    order: ref('Order'),
    returnPost: object({
      url: str('the order\'s ReturnURL'),
      fields: object({ ShopNo: str(), PayToken: str() }, ['ShopNo', 'PayToken']),
    }, ['url', 'fields']),
    notification: ref('Notification'),
  }, ['payment', 'tsResultContent', 'order']),
  Notification: NOTIFICATION,
  NotificationWithDeliveries: { allOf: [ref('Notification'), object({ deliveries: listOf('Delivery') }, ['deliveries'])] },
  NotificationList: listOf('NotificationWithDeliveries'),
  RetriedNotificationList: listOf('Notification'),
  Delivery: DELIVERY,
  DeliveryList: listOf('Delivery'),
  Exchange: object({
    id: int(), at: dateTime('sandbox time the call arrived'), endpoint: { enum: ['Nonce', 'Order'] },
    service: str('the envelope\'s APIService'), shopNo: str(), httpStatus: int(), durationMs: int(),
    request: { type: 'object', description: 'the decrypted request Message' },
    answer: { description: 'the decrypted answer Message; the Nonce answer; or the plain JSON or text of a refusal' },
    badSign: { type: 'boolean', description: 'the answer\'s Sign was corrupted by the badSign fault' },
  }, ['id', 'at', 'endpoint', 'httpStatus', 'durationMs']),
  ExchangeList: listOf('Exchange'),
  Clock: object({
    now: dateTime('the sandbox\'s time'), taipeiDate: str('yyyyMMdd in Taipei: the bank\'s today'),
    taipeiMinute: str('yyyyMMddHHmm in Taipei'), offsetMs: int('how far the clock was moved from the one the sandbox was started with'),
  }, ['now', 'taipeiDate', 'taipeiMinute', 'offsetMs']),
  Envelope: object({
    Version: { const: API_VERSION }, ShopNo: str(), APIService: str(), Nonce: str(), Sign: str('64 upper-case hex'),
    Message: str('upper-case hex of the AES-256-CBC ciphertext of the service Message'),
  }, ['Version', 'ShopNo', 'APIService', 'Nonce', 'Sign', 'Message']),
};

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function operation(route: ControlRoute): Record<string, unknown> {
  const { doc } = route;
  const pathParameters = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name, in: 'path', required: true, schema: { type: 'string' },
  }));
  const queryParameters = Object.entries(doc.query?.shape ?? {}).map(([name, schema]) => ({
    name, in: 'query', required: false, schema: fromZod(schema as z.ZodType),
    ...((schema as z.ZodType).meta()?.description ? { description: (schema as z.ZodType).meta()!.description } : {}),
  }));
  const responses = Object.fromEntries(Object.entries(doc.responses).map(([status, [description, schema]]) => [
    status, { description, ...(schema ? { content: { 'application/json': { schema: ref(schema) } } } : {}) },
  ]));
  return {
    tags: ['control'],
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    operationId: route.method + route.path.split(/[/:]+/).filter(Boolean).map((part) => part[0]!.toUpperCase() + part.slice(1)).join(''),
    ...(pathParameters.length + queryParameters.length > 0 ? { parameters: [...pathParameters, ...queryParameters] } : {}),
    ...(doc.body ? { requestBody: { required: false, content: { 'application/json': { schema: fromZod(doc.body) } } } } : {}),
    responses,
  };
}

const BANK_API = {
  [`${BANK_API_BASE_PATH}/Nonce`]: {
    post: {
      tags: ['bank API'],
      summary: 'A nonce for one Order call (PROTOCOL.md §1.1)',
      description: 'Any prefix before /QPay.WebAPI/api works (/funBIZ, /funBIZ-Sbx or none). A shop configured with an X-KeyID must send it, here and on Order.',
      parameters: [{ name: 'X-KeyID', in: 'header', required: false, schema: { type: 'string' } }],
      requestBody: { required: true, content: { 'application/json': { schema: object({ ShopNo: str() }, ['ShopNo']) } } },
      responses: {
        200: { description: 'the nonce, valid 60 s, for one Order call from the same IP address', content: { 'application/json': { schema: object({ Nonce: str() }, ['Nonce']) } } },
        400: { description: 'not JSON (E0001) or unknown ShopNo (E0101)' },
        401: { description: 'X-KeyID missing or wrong (E0103)' },
      },
    },
  },
  [`${BANK_API_BASE_PATH}/Order`]: {
    post: {
      tags: ['bank API'],
      summary: 'Every service: OrderCreate, OrderQuery, OrderPayQuery, OrderMaintain, OrderUnCapturedQuery, BillQuery (PROTOCOL.md §1.2–§4)',
      description: 'The request and the answer are envelopes whose Message is encrypted with the HashID and the envelope\'s own Nonce, and signed (PROTOCOL.md §2, §3). Business failures are answers with Status F.',
      parameters: [{ name: 'X-KeyID', in: 'header', required: false, schema: { type: 'string' } }],
      requestBody: { required: true, content: { 'application/json': { schema: ref('Envelope') } } },
      responses: {
        200: { description: 'the answer envelope, signed with a new Nonce', content: { 'application/json': { schema: ref('Envelope') } } },
        400: { description: 'not JSON (E0001) or unknown ShopNo (E0101)' },
        401: { description: 'X-KeyID missing or wrong (E0103)' },
        500: { description: 'the payQueryFail fault' },
        503: { description: 'the unavailable fault' },
      },
    },
  },
};

/** The document; `origin` is where the sandbox is reached, for clients generated from it. */
export function openApiDocument(origin: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of CONTROL_ROUTES) {
    const path = `${CONTROL_API_PREFIX}${openApiPath(route.path)}`;
    paths[path] = { ...paths[path], [route.method]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'SinoPac 豐收款 sandbox',
      version: API_VERSION,
      description: 'A local stand-in for Bank SinoPac\'s 豐收款 Web API. The control API (under /__sandbox) does what a test needs and the bank\'s sandbox cannot: pay now, approve or decline a card, inject faults, move the clock, fire notification retries, reset, and read every exchange and notification. Its errors are JSON {"error": "…"}; a body must be sent as application/json (another type answers 415).',
    },
    servers: [{ url: origin }],
    tags: [
      { name: 'control', description: 'The sandbox\'s own API for tests; not part of the bank\'s' },
      { name: 'bank API', description: 'The bank\'s two endpoints, as the sandbox serves them' },
    ],
    paths: { ...paths, ...BANK_API },
    components: { schemas: SCHEMAS },
  };
}
