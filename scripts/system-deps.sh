#!/usr/bin/env bash
# The Debian packages SeedReg needs beside Python: Chinese fonts and Pango for PDF documents
# (WeasyPrint), Debian's chromium for the browser tests, gettext for `make messages`. Installs
# what is missing when run as root; otherwise says exactly what to install. Never fails the
# build by itself.
set -u
need=()
dpkg -s fonts-wqy-zenhei >/dev/null 2>&1 || dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-wqy-zenhei)
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
# xgettext for `make messages` (running SeedReg needs no gettext: the .mo files are committed).
command -v xgettext >/dev/null 2>&1 || need+=(gettext)
if [ "${SEEDREG_SKIP_BROWSER:-}" != "1" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装系统软件包 / installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
    || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; } \
    || echo "警告 / warning: could not install ${need[*]}"
else
  echo "缺少系统软件包 / missing Debian packages: ${need[*]}"
  echo "  请执行 / run: sudo apt-get install -y --no-install-recommends ${need[*]}"
  echo "  (PDF 文书需要字体和 Pango；浏览器测试需要 chromium，缺少时跳过)"
fi
exit 0
