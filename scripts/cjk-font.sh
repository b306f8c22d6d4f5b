#!/usr/bin/env bash
# Makes assets/fonts/NotoSansSC-Game.otf: Noto Sans CJK SC (Debian's fonts-noto-cjk, SIL
# OFL 1.1) cut down to the characters the game's Chinese catalogue uses, plus ASCII and
# Chinese punctuation, so every build (the browser's too) carries its Chinese at a size of
# kilobytes rather than the full font's 19 MB. Run it after changing assets/i18n/zh-CN/;
# the test `i18n::the_bundled_font_has_every_character_of_the_chinese_catalogue` says when.
set -euo pipefail
cd "$(dirname "$0")/.."
font=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
[ -f "$font" ] || { echo "needs Debian's fonts-noto-cjk ($font)"; exit 1; }
venv=${HORIZON_FONT_VENV:-/var/cache/crypto-horizon/fonttools}
[ -x "$venv/bin/pyftsubset" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet 'fonttools==4.*'; }
text=$(mktemp)
trap 'rm -f "$text"' EXIT
python3 - "$text" <<'PY'
import glob, sys
chars = {chr(c) for c in range(0x20, 0x7f)} | set("，。、：；！？（）《》「」“”‘’…—·￥％＋－")
# The catalogue, and the languages' own names on the switch (src/i18n/mod.rs).
for path in sorted(glob.glob("assets/i18n/zh-CN/*.ftl")) + ["src/i18n/mod.rs"]:
    chars |= {c for c in open(path, encoding="utf-8").read() if ord(c) > 0x7f}
open(sys.argv[1], "w", encoding="utf-8").write("".join(sorted(chars)))
print(f"{len(chars)} characters")
PY
# Face 2 of the collection is Simplified Chinese (SC).
"$venv/bin/pyftsubset" "$font" --font-number=2 --text-file="$text" --layout-features='*' --output-file=assets/fonts/NotoSansSC-Game.otf
ls -l assets/fonts/NotoSansSC-Game.otf
