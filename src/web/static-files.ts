import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export function setUpStaticFiles(app: Express): void {
  const options = { maxAge: '1h', index: false as const };
  app.use('/static', express.static(root('public'), options));
  // Bootstrap is served from its npm package: no CDN.
  app.use('/vendor/bootstrap', express.static(root('node_modules/bootstrap/dist'), options));
}
