#!/usr/bin/env bash
# Install panva's oidc-provider (a certified OpenID Provider) for the msal tests, cached under
# ~/.cache/idspine-peers/oidc, with a self-signed TLS certificate for localhost / 127.0.0.1.
set -euo pipefail
DIR="${IDSPINE_PEERS:-$HOME/.cache/idspine-peers}/oidc"
STAMP="oidc-provider@9 koa@2 koa-mount@4"
if [ -f "$DIR/.installed" ] && [ "$(cat "$DIR/.installed")" = "$STAMP" ]; then
  echo "oidc-provider already installed in $DIR"
  exit 0
fi
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{ "name": "oidc-peer", "private": true }' > package.json
npm install --no-audit --no-fund --loglevel=error oidc-provider@9 koa@2 koa-mount@4
echo "$STAMP" > .installed
