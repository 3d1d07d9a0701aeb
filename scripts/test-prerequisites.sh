#!/usr/bin/env bash
# The compatibility suites of `npm test` run real third-party Kafka clients from Debian: kcat
# (librdkafka), python3-confluent-kafka, and python3-kafka with the codec modules it uses; the
# dashboard's browser tests drive Debian's chromium; the TLS tests make certificates with openssl. Run
# before the tests (npm's pretest, .ci/run): what is missing is installed when this can (root
# with apt-get); otherwise it stops at once with the one command to run. No suite is skipped.
#   SLUICE_PYTHON: the Python with Debian's modules (default /usr/bin/python3)
#   SLUICE_CHROMIUM: Debian's chromium (default /usr/bin/chromium; the browser tests use this path)
set -uo pipefail
python="${SLUICE_PYTHON:-/usr/bin/python3}"
chromium="${SLUICE_CHROMIUM:-/usr/bin/chromium}"

missing_packages() {
  local missing=()
  command -v kcat >/dev/null 2>&1 || missing+=(kcat)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  [ -x "$chromium" ] || missing+=(chromium)
  local module package
  for pair in confluent_kafka:python3-confluent-kafka kafka:python3-kafka snappy:python3-snappy lz4:python3-lz4 zstandard:python3-zstandard; do
    module="${pair%%:*}"
    package="${pair#*:}"
    "$python" -c "import $module" >/dev/null 2>&1 || missing+=("$package")
  done
  echo "${missing[*]}"
}

missing="$(missing_packages)"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "npm test: installing the Debian packages the suites need: $missing" >&2
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
  still="$(missing_packages)"
  [ -z "$still" ] && exit 0
  echo "npm test: still missing after apt-get: $still. Install them with:" >&2
  echo "  apt-get install -y $still" >&2
  exit 1
fi

echo "npm test needs Debian packages that are not installed: $missing" >&2
echo "(third-party Kafka clients the compatibility tests run against the broker, chromium for the dashboard tests, openssl for TLS). Install them with:" >&2
echo "  sudo apt-get install -y $missing" >&2
exit 1
