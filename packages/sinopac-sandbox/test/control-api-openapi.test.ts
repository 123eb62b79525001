// /openapi.json describes exactly the control router's routes: read from the Express router itself,
// not from the table both are built from, so a route added to the router by hand is caught too.
import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_API_PREFIX, controlApiRoutes } from '../src/control-api';
import { startTestSandbox, type TestSandbox } from './support/sandbox-harness';

let sb: TestSandbox;
let document: any;
beforeAll(async () => {
  sb = await startTestSandbox();
  const response = await fetch(`${sb.running.origin}/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  document = await response.json();
});
afterAll(() => sb.close());

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

function routerRoutes(router: Router): string[] {
  return (router.stack as Layer[]).flatMap((layer) => {
    if (!layer.route) return [];
    const path = `${CONTROL_API_PREFIX}${layer.route.path.replace(/:(\w+)/g, '{$1}')}`;
    return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${path}`);
  });
}

function documentRoutes(prefix: string): string[] {
  return Object.entries(document.paths as Record<string, Record<string, unknown>>)
    .filter(([path]) => path.startsWith(`${prefix}/`))
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and names the server it was fetched from', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: sb.running.origin }]);
  });

  it('has every control route, and only those', () => {
    const routes = routerRoutes(controlApiRoutes(sb.running.sandbox.control));
    expect(routes.length).toBe(15);
    expect(documentRoutes(CONTROL_API_PREFIX).sort()).toEqual([...routes].sort());
  });

  it('gives each operation a distinct identifier made of letters', () => {
    const ids = Object.values(document.paths as Record<string, Record<string, any>>)
      .flatMap((operations) => Object.values(operations).map((operation) => operation.operationId))
      .filter((id) => id !== undefined);
    expect(ids).toContain('postOrdersOrderNoPay');
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+[A-Za-z]*$/);
  });

  it('describes the bank API\'s two endpoints', () => {
    expect(Object.keys(document.paths).filter((path) => path.includes('/QPay.WebAPI/api/')).sort())
      .toEqual(['/funBIZ/QPay.WebAPI/api/Nonce', '/funBIZ/QPay.WebAPI/api/Order']);
  });

  it('resolves every schema reference, and documents each path parameter', () => {
    const refs = JSON.stringify(document).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) expect(document.components.schemas, ref).toHaveProperty(ref.slice(22, -1));
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
      for (const operation of Object.values(operations)) {
        const named = (operation.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => `{${p.name}}`);
        expect(named.sort(), path).toEqual([...path.matchAll(/\{\w+\}/g)].map((m) => m[0]).sort());
        expect(Object.keys(operation.responses).length, path).toBeGreaterThan(0);
      }
    }
  });

  it('documents the fault set from the same schema the API validates with', () => {
    const faults = document.components.schemas.Faults;
    expect(faults.additionalProperties).toBe(false);
    expect(Object.keys(faults.properties)).toEqual(expect.arrayContaining(['dropFirst', 'badSign', 'answerDelayMs', 'unavailable', 'payQueryFail']));
  });
});
