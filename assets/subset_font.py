"""Makes DejaVuSans-subset.ttf, the font ndnet's `plot` feature draws its text with.

Usage: python3 subset_font.py /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
(needs `pip install fonttools`; DejaVu Sans 2.37 from Debian's fonts-dejavu-core).

1. Subsets DejaVu Sans to Basic Latin, Latin-1, Greek and a few symbols (kerning kept).
2. Adds an invisible one-point contour at (0, 0) to every glyph whose ink starts right of 0:
   plotters' ab_glyph text drawing (0.3.7) places each glyph's box at the pen position and so
   ignores the left side bearing, which otherwise makes uneven gaps ("n on-cat"). With the box
   starting at 0 the ink keeps its bearing; advance widths are unchanged.
"""
import os
import subprocess
import sys

from fontTools.ttLib import TTFont

UNICODES = ("U+0020-007E,U+00A0-00FF,U+0391-03C9,U+2013,U+2014,U+2018,U+2019,U+201C,U+201D,"
            "U+2022,U+2026,U+2032,U+2212,U+2264,U+2265,U+00D7,U+221A,U+2248,U+2192,U+2080-2089")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "DejaVuSans-subset.ttf")

subprocess.run(["pyftsubset", sys.argv[1], f"--unicodes={UNICODES}", "--layout-features=kern",
                f"--output-file={OUT}"], check=True)
font = TTFont(OUT)
glyf, hmtx = font["glyf"], font["hmtx"]
# Give every simple glyph with a positive left side bearing an extra one-point contour at
# (0, 0): it draws nothing, but it makes the glyph's box start at x = 0, so the ink keeps its
# bearing even when the bearing itself is ignored.
for name in font.getGlyphOrder():
    glyph = glyf[name]
    if glyph.numberOfContours <= 0:  # empty (space) or composite (its parts get the point)
        continue
    glyph.recalcBounds(glyf)
    if glyph.xMin > 0:
        glyph.coordinates.append((0, 0))
        glyph.flags.append(1)  # on-curve
        glyph.endPtsOfContours.append(len(glyph.coordinates) - 1)
        glyph.numberOfContours += 1
        glyph.recalcBounds(glyf)
for name in font.getGlyphOrder():  # composites last: their parts' boxes are final by now
    if glyf[name].isComposite():
        glyf[name].recalcBounds(glyf)
for name in font.getGlyphOrder():  # the bearing is the box's start (0 where the point went)
    if glyf[name].numberOfContours != 0:
        hmtx[name] = (hmtx[name][0], glyf[name].xMin)
font.save(OUT)
