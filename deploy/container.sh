#!/bin/sh
# The container image's install and start steps, in one place: the Dockerfile runs them, and
# tests/deploy/production-install.test.ts runs them too, so that test proves what the image does.
#
#   deploy/container.sh install <built clone> <target> [npm ci options]
#       copies what production runs from a clone where `npm run build` ran (dist/, views/, public/,
#       the migrations, package.json and its lockfile, the two start-up scripts) into <target>,
#       then installs the production dependencies there from the same lockfile. --omit=optional
#       too: @prisma/client names Prisma's CLI as an optional peer, which --omit=dev alone keeps
#       (with TypeScript and some 250 MB of the CLI's own packages) though nothing runs it.
#   deploy/container.sh start
#       runs the compiled shop in the foreground. exec: node replaces this shell, so the signals
#       a container manager sends (SIGTERM) reach node and its graceful shutdown runs.
set -eu

case "${1:-}" in
  install)
    from=$2
    to=$3
    shift 3
    mkdir -p "$to/prisma" "$to/scripts" "$to/deploy"
    cp -R "$from/package.json" "$from/package-lock.json" "$from/dist" "$from/views" "$from/public" "$to/"
    cp -R "$from/prisma/migrations" "$to/prisma/"
    cp "$from/scripts/run.js" "$from/scripts/postinstall.js" "$to/scripts/"
    cp "$from/deploy/container.sh" "$to/deploy/"
    cd "$to"
    NODE_ENV=production npm ci --omit=dev --omit=optional --no-audit --no-fund "$@"
    ;;
  start)
    cd "$(dirname "$0")/.."
    exec node dist/main.js
    ;;
  *)
    echo "usage: deploy/container.sh install <built clone> <target> [npm ci options] | start" >&2
    exit 2
    ;;
esac
