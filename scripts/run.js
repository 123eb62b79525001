// Runs one of the shop's entry points (`npm start`: main; `npm run db:migrate`: migrate). In
// production the build's output, dist/<entry>.js, under plain node; anywhere else the TypeScript
// source, src/<entry>.ts, through tsx's loader in this same process, so a fresh clone runs with no
// build step. Plain JavaScript: a production install has neither tsx nor TypeScript.
import 'dotenv/config';
import { existsSync } from 'node:fs';

const entry = process.argv[2];
if (entry !== 'main' && entry !== 'migrate') {
  console.error('usage: node scripts/run.js main|migrate');
  process.exit(2);
}
if (process.env.NODE_ENV === 'production') {
  const compiled = new URL(`../dist/${entry}.js`, import.meta.url);
  if (!existsSync(compiled)) {
    console.error(`dist/${entry}.js is missing: run npm run build (with the devDependencies installed) before starting in production`);
    process.exit(1);
  }
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL(`../src/${entry}.ts`, import.meta.url).href);
}
