#!/usr/bin/env bash
# Install the real n8n the integration tests talk to, cached under ~/.cache/idspine-peers/n8n.
# Idempotent: a finished install (marked by .installed) is reused. Recipe: n8n 1.123.81 on Node 20,
# xlsx pinned to the registry's 0.18.5, native build scripts skipped, then sqlite3 rebuilt alone.
set -euo pipefail
N8N_VERSION="1.123.81"
DIR="${IDSPINE_PEERS:-$HOME/.cache/idspine-peers}/n8n"
if [ -f "$DIR/.installed" ] && [ "$(cat "$DIR/.installed")" = "$N8N_VERSION" ]; then
  echo "n8n $N8N_VERSION already installed in $DIR"
  exit 0
fi
mkdir -p "$DIR"
cd "$DIR"
cat > package.json <<JSON
{ "name": "n8n-peer", "private": true, "dependencies": { "n8n": "$N8N_VERSION" }, "overrides": { "xlsx": "0.18.5" } }
JSON
echo "installing n8n $N8N_VERSION into $DIR (a few minutes)"
npm install --ignore-scripts --no-audit --no-fund --loglevel=error
npm rebuild sqlite3 --loglevel=error
echo "$N8N_VERSION" > .installed
