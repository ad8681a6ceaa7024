#!/bin/bash
# Builds authmilter_<version>_amd64.deb with dpkg-deb from packaging/publish.sh's output (the same build the
# container image copies). No debhelper: dh_strip would cut the bundle off the single-file executable, so the
# few steps it would do (maintainer-script snippets, md5sums, shlibs) are done here and in the scripts.
#
# usage: packaging/deb/build.sh [--output DIR] [--version VERSION]
#   DIR defaults to artifacts/deb in the checkout. VERSION defaults to a snapshot of the checkout,
#   <AUTHMILTER_VERSION>~git<commit date>.<commit>, e.g. 0.1.0~git20251123.60ed4d2.
#   MAINTAINER overrides the Maintainer field.
# Needs dpkg-dev (dpkg-shlibdeps) and the .NET SDK.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
upstream=${AUTHMILTER_VERSION:-0.1.0}
output=$root/artifacts/deb
version=
maintainer=${MAINTAINER:-authmilter maintainers <authmilter@example.org>}
while [ $# -gt 0 ]; do
    case $1 in
        --output) output=$2; shift 2 ;;
        --version) version=$2; shift 2 ;;
        *) echo "usage: build.sh [--output DIR] [--version VERSION]" >&2; exit 64 ;;
    esac
done
commit_date=$(git -C "$root" log -1 --format=%cd --date=format:%Y%m%d)
[ -n "$version" ] || version="$upstream~git$commit_date.$(git -C "$root" log -1 --format=%h)"
arch=amd64

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
AUTHMILTER_VERSION=$upstream "$root/packaging/publish.sh" --rid linux-x64 "$work/publish"

pkg=$work/pkg
doc=$pkg/usr/share/doc/authmilter
install -d "$pkg/DEBIAN" "$pkg/usr/lib/authmilter" "$pkg/usr/sbin" "$pkg/etc/authmilter" "$pkg/etc/logrotate.d" \
    "$pkg/lib/systemd/system" "$pkg/usr/lib/tmpfiles.d" "$pkg/usr/share/man/man8" "$pkg/usr/share/lintian/overrides" \
    "$doc/examples"
install -m 0755 "$work/publish/authmilter" "$pkg/usr/lib/authmilter/authmilter"
ln -s ../lib/authmilter/authmilter "$pkg/usr/sbin/authmilter"
install -m 0644 "$work/publish/milter.conf" "$pkg/etc/authmilter/milter.conf"
install -m 0644 "$here/authmilter.logrotate" "$pkg/etc/logrotate.d/authmilter"
install -m 0644 "$here/authmilter.service" "$pkg/lib/systemd/system/authmilter.service"
install -m 0644 "$here/authmilter.tmpfiles" "$pkg/usr/lib/tmpfiles.d/authmilter.conf"
gzip -9n < "$here/authmilter.8" > "$pkg/usr/share/man/man8/authmilter.8.gz"
install -m 0644 "$here/lintian-overrides" "$pkg/usr/share/lintian/overrides/authmilter"
install -m 0644 "$here/copyright" "$doc/copyright"
install -m 0644 "$root"/contrib/milter.conf.examples/*.conf "$root/contrib/postfix/main.cf" \
    "$root/contrib/sendmail/authmilter.mc" "$doc/examples/"
install -m 0644 "$root/contrib/postfix/README.md" "$doc/README.postfix.md"
install -m 0644 "$root/contrib/MIGRATING.md" "$doc/MIGRATING.md"
cat > "$work/changelog" <<CHANGELOG
authmilter ($version) unstable; urgency=medium

  * Built from commit $(git -C "$root" log -1 --format=%H).

 -- $maintainer  $(git -C "$root" log -1 --format=%cD)
CHANGELOG
gzip -9n < "$work/changelog" > "$doc/changelog.gz"

# Library dependencies of the executable, as dh_shlibdeps would compute them.
install -d "$work/shlibs/debian"
printf 'Source: authmilter\n\nPackage: authmilter\nArchitecture: any\n' > "$work/shlibs/debian/control"
shlibs=$(cd "$work/shlibs" && dpkg-shlibdeps -O -e"$pkg/usr/lib/authmilter/authmilter" | sed -n 's/^shlibs:Depends=//p')

install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$pkg/DEBIAN/"
install -m 0644 "$here/conffiles" "$pkg/DEBIAN/conffiles"
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" -e "s|@SHLIBS@|$shlibs|" \
    -e "s|@INSTALLED_SIZE@|$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)|" "$here/control.in" > "$pkg/DEBIAN/control"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"

mkdir -p "$output"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$output/authmilter_${version}_${arch}.deb"
