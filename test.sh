#!/usr/bin/env bash
# Runs the whole ServerTools test suite on a fresh Debian or Ubuntu machine with the .NET 10 SDK.
# PostgreSQL comes from the distribution's `postgresql` package, installed here when it is missing;
# the tests start their own private server from those binaries (see docs/testing.md).
# The browser tests of the module analysis page need Debian's `chromium` package (/usr/bin/chromium),
# installed here the same way when it is missing.
# Extra arguments go to `dotnet test`, e.g. ./test.sh --filter "FullyQualifiedName~Auditing".
set -euo pipefail
cd "$(dirname "$0")"

has_postgres() {
  [ -n "${SERVERTOOLS_PG_BIN:-}" ] && [ -x "$SERVERTOOLS_PG_BIN/initdb" ] && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null && return 0
  command -v initdb > /dev/null
}

apt_updated=""
apt_install() {  # apt_install <package>: installs one Debian package, as root or through sudo
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  if [ -z "$apt_updated" ]; then $sudo apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1" > /dev/null
}

if ! has_postgres; then
  echo "PostgreSQL is not installed: installing the 'postgresql' package with apt-get."
  apt_install postgresql
  has_postgres || { echo "apt-get installed postgresql, but no initdb was found under /usr/lib/postgresql/*/bin." >&2; exit 1; }
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "Chromium is not installed: installing the 'chromium' package with apt-get."
  apt_install chromium
  [ -x /usr/bin/chromium ] || { echo "apt-get installed chromium, but there is no /usr/bin/chromium." >&2; exit 1; }
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test ServerTools.sln "$@" 2>&1 | tee "$log" || status=$?

# One closing line for the whole run, summed over the test assemblies' summaries.
awk '
  /(Passed|Failed)! +- Failed: / {
    gsub(/,/, "");
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  failed  += $(i + 1);
      if ($i == "Passed:")  passed  += $(i + 1);
      if ($i == "Skipped:") skipped += $(i + 1);
    }
  }
  END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$log"
if [ "$status" -ne 0 ]; then
  # The counts above cover only the test assemblies that ran: a project that did not build runs none.
  echo "dotnet test failed (exit code $status): a project did not build, or a test run failed or aborted; see the output above." >&2
fi
exit $status
