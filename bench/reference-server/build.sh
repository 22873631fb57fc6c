#!/usr/bin/env bash
# Builds the C++ reference server and the gRPC load generator of `make bench` into OUT
# (default .build-bench): proto/externalscaler.proto compiled by protoc + grpc_cpp_plugin,
# then g++ against Debian's grpc++ and protobuf (pkg-config). OPT=-O1 for a quick build
# (the equality test), -O2 by default. Rebuilds only what is older than its sources.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$repo/.build-bench}"
opt="${OPT:--O2}"
proto="$repo/proto/externalscaler.proto"
mkdir -p "$out/gen"
if [ ! -f "$out/.opt" ] || [ "$(cat "$out/.opt")" != "$opt" ]; then rm -f "$out"/*.o "$out/reference_server" "$out/load_client"; fi
echo "$opt" > "$out/.opt"
if [ ! -f "$out/gen/externalscaler.grpc.pb.cc" ] || [ "$proto" -nt "$out/gen/externalscaler.grpc.pb.cc" ]; then
  protoc -I"$repo/proto" --cpp_out="$out/gen" --grpc_out="$out/gen" \
    --plugin=protoc-gen-grpc="$(command -v grpc_cpp_plugin)" "$proto"
fi
cflags="-std=c++17 $opt -I$out/gen $(pkg-config --cflags grpc++ protobuf)"
libs="$(pkg-config --libs grpc++ protobuf) -lpthread"
pids=()
compile() {  # source object
  if [ ! -f "$2" ] || [ "$1" -nt "$2" ] || [ "$proto" -nt "$2" ]; then
    g++ $cflags -c -o "$2" "$1" &
    pids+=($!)
  fi
}
compile "$out/gen/externalscaler.pb.cc" "$out/externalscaler.pb.o"
compile "$out/gen/externalscaler.grpc.pb.cc" "$out/externalscaler.grpc.pb.o"
compile "$here/reference_server.cc" "$out/reference_server.o"
compile "$here/load_client.cc" "$out/load_client.o"
for pid in "${pids[@]}"; do wait "$pid"; done
for program in reference_server load_client; do
  if [ ! -x "$out/$program" ] || [ "$out/$program.o" -nt "$out/$program" ] || [ "$out/externalscaler.pb.o" -nt "$out/$program" ]; then
    g++ -o "$out/$program" "$out/$program.o" "$out/externalscaler.pb.o" "$out/externalscaler.grpc.pb.o" $libs
  fi
done
