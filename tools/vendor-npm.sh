#!/bin/bash
# tools/vendor-npm.sh FOLDER PACKAGE VERSION INTEGRITY: one npm package, fetched by the npm client
# (`npm pack`, an exact version), checked against the pinned integrity (npm's sha512, as
# `npm view PACKAGE@VERSION dist.integrity` prints it) and unpacked into FOLDER/<package>/ (a
# scoped @scope/name goes to FOLDER/scope-name/). FOLDER/<package>-VERSION.ok says it is done.
set -euo pipefail
folder=$1 package=$2 version=$3 integrity=$4
name=${package#@}; name=${name//\//-}
command -v npm >/dev/null || { echo "npm is needed to fetch $package $version: apt-get install --no-install-recommends npm"; exit 1; }
mkdir -p "$folder"
tmp=$(mktemp -d "$folder/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "Fetching $package $version from the npm registry..."
(cd "$tmp" && npm pack --silent --ignore-scripts "$package@$version" >/dev/null)
tarball=$(ls "$tmp"/*.tgz)
found="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$found" != "$integrity" ]; then
  echo "Stopped: $package $version from the registry is not the pinned one (checksum $found, pinned $integrity)."
  exit 1
fi
mkdir "$tmp/unpacked" && tar -xzf "$tarball" -C "$tmp/unpacked"
rm -rf "${folder:?}/$name" && mv "$tmp/unpacked/package" "$folder/$name"
rm -f "$folder/$name"-*.ok && touch "$folder/$name-$version.ok"
