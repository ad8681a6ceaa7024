#!/bin/sh
# Publishes what the .deb and the container image ship, the same way for both:
#   OUTPUT/authmilter   the daemon: self-contained, single file (the .NET runtime is inside; Debian 12 has no
#                       .NET runtime package, so a framework-dependent build would not install on a plain system)
#   OUTPUT/milter.conf  the fully commented configuration, written from the daemon's key table (ConfigKeys.All),
#                       so every key the daemon knows is documented with its default; --set KEY=VALUE adds an
#                       active line (the image listens on all interfaces)
#
# usage: packaging/publish.sh [--rid RID] [--set KEY=VALUE]... OUTPUT
#   RID defaults to linux-x64. AUTHMILTER_VERSION (default 0.1.0) becomes the assembly version (--version).
# Builds use a private artifacts directory, so they do not touch the obj/ and bin/ directories of the checkout.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
rid=linux-x64
version=${AUTHMILTER_VERSION:-0.1.0}
output=
settings=
while [ $# -gt 0 ]; do
    case $1 in
        --rid) rid=$2; shift 2 ;;
        --set) settings="$settings --set $2"; shift 2 ;;
        -*) echo "publish.sh: unknown option $1" >&2; exit 64 ;;
        *) output=$1; shift ;;
    esac
done
[ -n "$output" ] || { echo "usage: publish.sh [--rid RID] [--set KEY=VALUE]... OUTPUT" >&2; exit 64; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet publish "$root/src/Milter.Daemon/Milter.Daemon.csproj" --nologo -c Release -r "$rid" --self-contained \
    -p:PublishSingleFile=true -p:DebugType=none -p:Version="$version" \
    --artifacts-path "$work/artifacts" -o "$work/publish"
dotnet build "$root/packaging/confgen/Milter.ConfGen.csproj" --nologo -c Release --artifacts-path "$work/artifacts"

mkdir -p "$output"
install -m 0755 "$work/publish/authmilter" "$output/authmilter"
# shellcheck disable=SC2086 # $settings is a list of "--set KEY=VALUE" words without spaces in them
dotnet "$work/artifacts/bin/Milter.ConfGen/release/authmilter-confgen.dll" $settings "$output/milter.conf"
