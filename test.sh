#!/usr/bin/env bash
# Runs every test. Needs the .NET 10 SDK and Node.js 20 with npm; NuGet and npm packages are installed on the
# first run (infra/tests, tests/e2e and the web UI's client each from their package-lock.json), and Debian's
# chromium for the web UI's browser tests.
set -euo pipefail
cd "$(dirname "$0")"
# The twin's tests drive it with the unmodified AWS CLI; where it is missing, Debian's package provides it.
missing=()
command -v aws >/dev/null 2>&1 || missing+=(awscli)
# 'paywatch up' is tested in a pseudo-terminal that tmux keeps (tests/Paywatch.Cli.Tests/UpTerminalTests.cs).
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
# The web UI's end-to-end tests drive Debian's Chromium with Playwright (Playwright's own browser download needs the internet).
[ -x "${PAYWATCH_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# A Node suite: dots while it runs, then one line of its counts (read from a TAP copy of the same report).
node_suite() {
  local name=$1 dir=$2 tap status=0
  shift 2
  tap=$(mktemp)
  (cd "$dir" && node --test --test-reporter=dot --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" "$@") || status=$?
  echo "$name: $(sed -n 's/^# \(tests\|pass\|fail\|skipped\) \([0-9]*\)$/\2 \1/p' "$tap" | paste -sd, - | sed 's/,/, /g')"
  rm -f "$tap"
  return $status
}
npm ci --prefix infra/tests --no-audit --no-fund --loglevel=error
npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
npm ci --prefix src/Paywatch.Web/client --no-audit --no-fund --loglevel=error
node_suite "infra/tests (Terraform)" infra/tests
# The web UI's own logic (layout, formatting, waterfall, ...), type-checked, then its unit tests.
(cd src/Paywatch.Web/client && npm run --silent check && node build.mjs --tests)
node_suite "web UI client" src/Paywatch.Web/client .test-out/
# Terraform's own checks, where a terraform binary is installed (no provider is needed): its formatting, and config/
# rendered by Terraform compared with what the twin loads (tests/Paywatch.Infra.Tests/TerraformRenderTests.cs).
without_terraform=()
if command -v terraform >/dev/null 2>&1; then
  TF_CLI_CONFIG_FILE=/dev/null terraform fmt -check -recursive infra
else
  echo "terraform is not on PATH: terraform fmt -check and the Terraform render check did not run"
  without_terraform=(--filter "Category!=Terraform")
fi
dotnet test Paywatch.slnx --nologo --verbosity quiet "${without_terraform[@]}" "$@"
# The local twin end to end, with the AWS SDK for JavaScript, against the paywatch just built by dotnet test.
node_suite "tests/e2e (AWS SDK for JavaScript)" tests/e2e
