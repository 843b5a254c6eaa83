#!/usr/bin/env bash
# Runs every test. Needs the .NET 10 SDK and Node.js 20 with npm; NuGet and npm packages are installed on the
# first run (the infra tests' from infra/tests/package-lock.json).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --prefix infra/tests --no-audit --no-fund --loglevel=error
(cd infra/tests && node --test --test-reporter=dot)
dotnet test Paywatch.slnx --nologo --verbosity quiet "$@"
