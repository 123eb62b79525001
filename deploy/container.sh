#!/bin/sh
# The container image's install and start steps, in one place: the Dockerfile runs them, and
# tests/deploy/production-install.test.ts runs them too, so that test proves what the image does.
#
#   deploy/container.sh install <built clone> <target> [npm ci options]
#       copies what production runs from a clone where `npm run build` ran (dist/, views/, public/,
#       the migrations, package.json and its lockfile, the two start-up scripts) into <target>,
#       then installs the production dependencies there from the same lockfile. --omit=optional
#       too: @prisma/client names Prisma's CLI as an optional peer, which --omit=dev alone keeps
#       (with TypeScript and some 250 MB of the CLI's own packages) though nothing runs it; sharp's
#       own native packages for this platform are then added back.
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
    # sharp's native parts are optional dependencies, one package per platform, which
    # --omit=optional drops too: this machine's are added back at the versions the lockfile names.
    native=$(node -e '
      const lock = require("./package-lock.json").packages;
      const platform = `${process.platform}-${process.arch}`;
      console.log(["sharp", "sharp-libvips"].map((name) => `@img/${name}-${platform}@${lock[`node_modules/@img/${name}-${platform}`].version}`).join(" "));
    ')
    # shellcheck disable=SC2086 # two package specs, split on purpose
    NODE_ENV=production npm install --no-save --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund $native "$@"
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
