#!/usr/bin/env bash
# Install panva's oidc-provider (a certified OpenID Provider) and Koa for the msal tests, cached under
# ${IDSPINE_PEERS:-~/.cache/idspine-peers}/oidc. The tests start it themselves (tests/peers/oidc_peer/)
# with a fresh self-signed certificate for localhost / 127.0.0.1 on a free loopback port.
set -euo pipefail
DIR="${IDSPINE_PEERS:-$HOME/.cache/idspine-peers}/oidc"
STAMP="oidc-provider@9 koa@2 koa-mount@4"
command -v node >/dev/null || { echo "install_oidc.sh: node (20+) is required" >&2; exit 1; }
if [ -f "$DIR/.installed" ] && [ "$(cat "$DIR/.installed")" = "$STAMP" ] && [ -d "$DIR/node_modules/oidc-provider" ]; then
  echo "oidc-provider already installed in $DIR"
  exit 0
fi
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{ "name": "oidc-peer", "private": true }' > package.json
npm install --no-audit --no-fund --loglevel=error oidc-provider@9 koa@2 koa-mount@4
node --input-type=module -e "await import('oidc-provider'); await import('koa'); await import('koa-mount');"
echo "$STAMP" > .installed
echo "oidc-provider installed in $DIR"
