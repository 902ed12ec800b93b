#!/bin/sh
# Rebuilds chart-sans-sc.otf, the font bundled for rasterising charts (the PNG inside .docx), so that the binary
# never depends on fonts installed where it runs. Needs Debian's fonts-noto-cjk and PyPI's fonttools
# (`apt-get install fonts-noto-cjk; pip install fonttools`). Noto Sans CJK is under the SIL Open Font License 1.1
# (OFL.txt here), which allows subsetting and bundling; it has no Reserved Font Name.
# Glyphs kept: ASCII, common punctuation and symbols, CJK punctuation, full-width forms and the 6763 hanzi of GB 2312.
set -eu
src=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
here=$(dirname "$0")
python3 - "$here/chars.txt" <<'PY'
import sys
chars = set(chr(c) for c in range(0x20, 0x7F))
chars |= set("·×÷°±≤≥≠√∞§№←↑→↓■□▲△●○◆◇★☆※")
chars |= set(chr(c) for c in range(0x2010, 0x2031))   # dashes, quotes, ellipsis, per mille
chars |= set(chr(c) for c in range(0x2160, 0x216C))   # Roman numerals Ⅰ–Ⅻ
chars |= set(chr(c) for c in range(0x2460, 0x2474))   # ①–⑳
chars |= set(chr(c) for c in range(0x3000, 0x3040))   # CJK symbols and punctuation
chars |= set(chr(c) for c in range(0xFF01, 0xFF5F))   # full-width forms
chars |= set(chr(c) for c in range(0xFFE0, 0xFFE7))
for hi in range(0xA1, 0xF8):                          # every GB 2312 character (symbols and both hanzi levels)
    for lo in range(0xA1, 0xFF):
        try:
            chars |= set(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
open(sys.argv[1], "w", encoding="utf-8").write("".join(sorted(chars)))
PY
pyftsubset "$src" --font-number=2 --text-file="$here/chars.txt" --no-hinting \
  --layout-features='kern,palt' --name-IDs='*' --output-file="$here/chart-sans-sc.otf"
rm "$here/chars.txt"
