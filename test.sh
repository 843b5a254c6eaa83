#!/usr/bin/env bash
# Runs every test. Needs only the .NET 10 SDK; packages are restored from NuGet on the first run.
set -euo pipefail
cd "$(dirname "$0")"
dotnet test Paywatch.slnx --nologo --verbosity quiet "$@"
