#!/usr/bin/env bash
# Runs every test. Needs the .NET 10 SDK and Node.js 20 with npm; NuGet and npm packages are installed on the
# first run (infra/tests and tests/e2e each from their package-lock.json).
set -euo pipefail
cd "$(dirname "$0")"
# The twin's tests drive it with the unmodified AWS CLI; where it is missing, Debian's package provides it.
command -v aws >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq awscli >/dev/null; }
npm ci --prefix infra/tests --no-audit --no-fund --loglevel=error
npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
(cd infra/tests && node --test --test-reporter=dot)
dotnet test Paywatch.slnx --nologo --verbosity quiet "$@"
# The local twin end to end, with the AWS SDK for JavaScript, against the paywatch just built by dotnet test.
(cd tests/e2e && node --test --test-reporter=dot)
