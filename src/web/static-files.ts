import express, { type Express } from 'express';
import { projectPath } from '../paths';

export function setUpStaticFiles(app: Express): void {
  const options = { maxAge: '1h', index: false as const };
  app.use('/static', express.static(projectPath('public'), options));
  // Bootstrap is served from its npm package: no CDN.
  app.use('/vendor/bootstrap', express.static(projectPath('node_modules/bootstrap/dist'), options));
}
