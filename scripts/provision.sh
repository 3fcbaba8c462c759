#!/usr/bin/env bash
# Installs what warroom needs on a fresh Debian or Ubuntu machine, and nothing that is already
# there: Debian packages for the real servers and the browser, then the npm packages from the
# lock file. Safe to run before every `npm run demo` / `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need_pkgs+=(rabbitmq-server)
have prometheus || need_pkgs+=(prometheus)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need_pkgs+=(postgresql)
[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)

if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "provision: installing Debian packages: ${need_pkgs[*]}"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    have sudo || { echo "provision: not root and no sudo; install ${need_pkgs[*]} by hand" >&2; exit 1; }
    SUDO=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  # The packages' own services are not wanted: warroom starts private instances under .warroom/.
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# npm packages: reinstall only when package-lock.json changed since the last install.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.warroom-lock-hash
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "provision: installing npm packages"
  # `npm ci` rejects this registry's lock files (they omit other platforms' optional binaries),
  # so install from the lock with `npm install`, which keeps the locked versions.
  npm install --no-audit --no-fund --loglevel=error
  sha256sum package-lock.json | cut -d" " -f1 > "$stamp"
fi
