#!/usr/bin/env bash
# Installs the system libraries that building and testing the game needs on Debian/Ubuntu:
# pkg-config and headers for gamepads (libudev) and audio (ALSA); Xvfb and Mesa's software
# Vulkan for the render tests (--render: with a CJK font for the kiosk's Chinese, xdotool to
# press its keys as a visitor would, ffmpeg and ffprobe for its stream); Chromium, brotli and gzip for the browser build and
# its tests, with a CJK font so that the page's Chinese shows as it would on a player's machine
# (--web); the CJK font and ffmpeg for a show machine (--kiosk). Does nothing when they are already there.
set -euo pipefail
packages=(pkg-config libudev-dev libasound2-dev)
for option in "$@"; do
  case "$option" in
    --render) packages+=(xvfb xauth mesa-vulkan-drivers libvulkan1 libx11-6 libx11-xcb1 libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 fonts-noto-cjk xdotool ffmpeg) ;;
    --web) packages+=(chromium brotli gzip fonts-noto-cjk) ;;
    --kiosk) packages+=(fonts-noto-cjk ffmpeg) ;;
    *) echo "setup-debian.sh: unknown option $option (--render, --web, --kiosk)" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "please install the equivalents of: ${missing[*]}" >&2
  exit 1
fi
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
echo "installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
