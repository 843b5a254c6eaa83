#!/usr/bin/env bash
# The data-folder soak (docs/benchmarks.md, issue 24): `paywatch up --demo RATE` for SECONDS, sampled every minute:
# records processed, spans, RSS, the stream folder and the whole data folder, and the load average.
# Usage: bench/twin-soak.sh PAYWATCH_DLL OUT_DIR [SECONDS=1860] [RATE=2000] [extra `up` flags...]
# Build first: dotnet build src/Paywatch.Cli -c Release (PAYWATCH_DLL: src/Paywatch.Cli/bin/Release/net10.0/paywatch.dll).
# A heap count at any time: dotnet-gcdump collect -p "$(cat OUT_DIR/pid)" (it forces a full collection: the live heap).
set -euo pipefail
dll=$1 out=$2 seconds=${3:-1860} rate=${4:-2000}
shift $(( $# < 4 ? $# : 4 ))
port=45872
rm -rf "$out/data" && mkdir -p "$out/data"
dotnet "$dll" up --demo "$rate" --port "$port" --data "$out/data" "$@" > "$out/twin.log" 2>&1 &
pid=$!
echo "$pid" > "$out/pid"
start=$(date +%s)
echo "t_s processed spans rss_mib streams_mib data_mib load" > "$out/samples.txt"
while [ $(( $(date +%s) - start )) -lt "$seconds" ]; do
  sleep 60
  status=$(curl -s "http://127.0.0.1:$port/api/status" | python3 -c 'import json,sys; c=json.load(sys.stdin)["counts"]; print(c["recordsProcessed"], c["spans"])')
  echo "$(( $(date +%s) - start )) $status $(( $(ps -o rss= -p "$pid") / 1024 )) $(( $(du -sk "$out/data/streams" | cut -f1) / 1024 )) $(( $(du -sk "$out/data" | cut -f1) / 1024 )) $(cut -d' ' -f1 /proc/loadavg)" >> "$out/samples.txt"
done
kill -TERM "$pid"
wait "$pid" && echo "exit 0" >> "$out/samples.txt" || echo "exit $?" >> "$out/samples.txt"
