#!/usr/bin/env bash
# Installs Debian's redis-server for the BullMQ peer when it is missing. The bench starts and stops its
# own instance on a loopback port; this only makes the binary available.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "redis-server is missing and installing it needs root: apt-get install -y redis-server" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends redis-server
# Debian's package starts a system service where an init system runs; the bench never uses it.
if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
command -v redis-server >/dev/null
