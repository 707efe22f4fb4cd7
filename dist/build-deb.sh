#!/usr/bin/env bash
# Builds the Debian package from the jar `mvn package` made: target/netfence_VERSION_amd64.deb
# (in agent/target/). Man pages and shell completion are generated from the picocli model of the
# jar being packaged, so they say what --help says. Needs dpkg-deb, asciidoctor, zip; lintian if present.
#   dist/build-deb.sh            (after mvn -B package -DskipTests)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar="$root/agent/target/netfence.jar"
out="$root/agent/target/deb"
pkg="$out/root"
[ -f "$jar" ] || { echo "build-deb: $jar is missing: run mvn -B package -DskipTests first" >&2; exit 2; }
rm -rf "$out" && mkdir -p "$pkg/DEBIAN"

# reproducible: file dates, man page dates and the changelog date are the last commit's
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | head -1)
if [[ "$version" == *-SNAPSHOT ]]; then   # sorts before the release, and snapshots by commit time
  version="${version%-SNAPSHOT}~git$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S)"
fi

install -D -m 755 "$root/dist/deb/netfence" "$pkg/usr/bin/netfence"
# postinst makes the CLI's start-up cache with it, for the installed jar and JDK
install -D -m 755 "$root/dist/startup-cache" "$pkg/usr/lib/netfence/startup-cache"
# `netfence run` through the agent starts with it, without a JVM (sandbox/src/client.c)
install -s -D -m 755 "$root/sandbox/target/classes/io/netfence/sandbox/nf-sandbox" "$pkg/usr/lib/netfence/nf-sandbox"
# the jar without what an amd64 host never loads: JNA's and Netty's native code for other
# platforms and GraalVM native-image metadata (about 5 MB of 7.5)
install -D -m 644 "$jar" "$pkg/usr/share/netfence/netfence.jar"
zip -q -d "$pkg/usr/share/netfence/netfence.jar" 'META-INF/native-image/*' 'META-INF/native/*aarch_64*' \
    $(unzip -Z1 "$jar" | grep -E '^com/sun/jna/[a-z0-9-]+/$' | grep -v -e linux-x86-64 -e internal -e ptr -e '/win32/$' | sed 's:$:*:')
install -D -m 644 "$root/dist/netfence.service" "$pkg/lib/systemd/system/netfence.service"
install -D -m 644 "$root/dist/netfence-bpffs.service" "$pkg/lib/systemd/system/netfence-bpffs.service"
install -D -m 644 "$root/dist/netfence.yaml" "$pkg/etc/netfence/netfence.yaml"
for f in "$root"/dist/policies.d/*.yaml; do install -D -m 644 "$f" "$pkg/etc/netfence/policies.d/$(basename "$f")"; done

# man pages: picocli-codegen's ManPageGenerator writes AsciiDoc, asciidoctor turns it into roff
codegen="$out/picocli-codegen.jar"
picocli=$(sed -n 's:.*<picocli.version>\(.*\)</picocli.version>.*:\1:p' "$root/pom.xml")  # codegen = the jar's picocli
mvn -B -q -Dstyle.color=never -f "$root/pom.xml" dependency:copy -Dartifact="info.picocli:picocli-codegen:$picocli" \
    -DoutputDirectory="$out" -Dmdep.stripVersion=true >&2
mv "$out/picocli-codegen-$picocli.jar" "$codegen" 2>/dev/null || true
java -cp "$jar:$codegen" picocli.codegen.docgen.manpage.ManPageGenerator -d "$out/adoc" io.netfence.agent.cli.AllCommands
asciidoctor -b manpage -a mansource="netfence $version" -a manmanual="netfence manual" -D "$pkg/usr/share/man/man1" "$out"/adoc/*.adoc
gzip -9n "$pkg"/usr/share/man/man1/*.1

# completion: picocli.AutoComplete's bash script; zsh runs the same script through bashcompinit
java -cp "$jar" picocli.AutoComplete -n netfence -o "$out/netfence.bash" io.netfence.agent.cli.AllCommands >/dev/null
sed -i '1{/^#!/d}' "$out/netfence.bash"   # sourced by bash-completion, never executed
install -D -m 644 "$out/netfence.bash" "$pkg/usr/share/bash-completion/completions/netfence"
mkdir -p "$pkg/usr/share/zsh/vendor-completions"
{ echo '#compdef netfence'
  echo 'autoload -U +X bashcompinit && bashcompinit'
  cat "$out/netfence.bash"; } > "$pkg/usr/share/zsh/vendor-completions/_netfence"

doc="$pkg/usr/share/doc/netfence"
install -D -m 644 "$root/dist/deb/copyright" "$doc/copyright"
{ echo "netfence ($version) unstable; urgency=medium"; echo
  echo "  * Built from commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)."; echo
  echo " -- netfence maintainers <maintainers@netfence.invalid>  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n > "$doc/changelog.gz"

for s in postinst prerm postrm; do install -m 755 "$root/dist/deb/$s" "$pkg/DEBIAN/$s"; done
install -m 644 "$root/dist/deb/triggers" "$pkg/DEBIAN/triggers"
(cd "$pkg" && find etc -type f | sed 's:^:/:' | sort) > "$pkg/DEBIAN/conffiles"
# amd64: the jar embeds the x86-64 sandbox helper (sandbox/src/nf-sandbox.c) and native Netty
cat > "$pkg/DEBIAN/control" <<EOF
Package: netfence
Version: $version
Architecture: amd64
Maintainer: netfence maintainers <maintainers@netfence.invalid>
Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, libbpf1, libc6, adduser
Section: net
Priority: optional
Homepage: https://netfence.invalid/
Description: per-cgroup network policy enforced in the kernel with eBPF
 netfence decides inside the Linux kernel what network traffic a command or a
 cgroup may send and receive. Policies are compiled into BPF maps and enforced
 by BPF programs on the cgroup's connect, sendmsg, socket and packet hooks.
 .
 This package runs the agent (netfence.service), which keeps the kernel in line
 with the policy files in /etc/netfence/policies.d, and the netfence command.
EOF
(cd "$pkg" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"
find "$pkg" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

deb="$root/agent/target/netfence_${version}_amd64.deb"
rm -f "$root"/agent/target/netfence_*.deb
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "build-deb: $deb ($(du -k "$deb" | cut -f1) KiB)"
if command -v lintian >/dev/null; then
  lintian --fail-on error,warning --suppress-tags-from-file /dev/null "$deb"
fi
