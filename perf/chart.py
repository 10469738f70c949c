"""A grouped bar chart on a log scale, drawn into a numpy RGB array and written as a PNG by hand
(zlib + the PNG chunk format), with a 5x7 bitmap font: no plotting library needed.

    bar_chart("mips.png", ["integer", "sort"], ["jit", "qemu"], [[114.0, 540.0], [90.0, 600.0]])
"""
import math
import struct
import zlib

import numpy as np

# 5x7 glyphs, column-major, bit 0 = top row (the classic "glcdfont" layout)
_FONT = {
    "0": (0x3E, 0x51, 0x49, 0x45, 0x3E), "1": (0x00, 0x42, 0x7F, 0x40, 0x00),
    "2": (0x42, 0x61, 0x51, 0x49, 0x46), "3": (0x21, 0x41, 0x45, 0x4B, 0x31),
    "4": (0x18, 0x14, 0x12, 0x7F, 0x10), "5": (0x27, 0x45, 0x45, 0x45, 0x39),
    "6": (0x3C, 0x4A, 0x49, 0x49, 0x30), "7": (0x01, 0x71, 0x09, 0x05, 0x03),
    "8": (0x36, 0x49, 0x49, 0x49, 0x36), "9": (0x06, 0x49, 0x49, 0x29, 0x1E),
    "A": (0x7E, 0x11, 0x11, 0x11, 0x7E), "B": (0x7F, 0x49, 0x49, 0x49, 0x36),
    "C": (0x3E, 0x41, 0x41, 0x41, 0x22), "D": (0x7F, 0x41, 0x41, 0x22, 0x1C),
    "E": (0x7F, 0x49, 0x49, 0x49, 0x41), "F": (0x7F, 0x09, 0x09, 0x09, 0x01),
    "G": (0x3E, 0x41, 0x49, 0x49, 0x7A), "H": (0x7F, 0x08, 0x08, 0x08, 0x7F),
    "I": (0x00, 0x41, 0x7F, 0x41, 0x00), "J": (0x20, 0x40, 0x41, 0x3F, 0x01),
    "K": (0x7F, 0x08, 0x14, 0x22, 0x41), "L": (0x7F, 0x40, 0x40, 0x40, 0x40),
    "M": (0x7F, 0x02, 0x0C, 0x02, 0x7F), "N": (0x7F, 0x04, 0x08, 0x10, 0x7F),
    "O": (0x3E, 0x41, 0x41, 0x41, 0x3E), "P": (0x7F, 0x09, 0x09, 0x09, 0x06),
    "Q": (0x3E, 0x41, 0x51, 0x21, 0x5E), "R": (0x7F, 0x09, 0x19, 0x29, 0x46),
    "S": (0x46, 0x49, 0x49, 0x49, 0x31), "T": (0x01, 0x01, 0x7F, 0x01, 0x01),
    "U": (0x3F, 0x40, 0x40, 0x40, 0x3F), "V": (0x1F, 0x20, 0x40, 0x20, 0x1F),
    "W": (0x3F, 0x40, 0x38, 0x40, 0x3F), "X": (0x63, 0x14, 0x08, 0x14, 0x63),
    "Y": (0x07, 0x08, 0x70, 0x08, 0x07), "Z": (0x61, 0x51, 0x49, 0x45, 0x43),
    " ": (0, 0, 0, 0, 0), ".": (0x00, 0x60, 0x60, 0x00, 0x00),
    "-": (0x08, 0x08, 0x08, 0x08, 0x08), "_": (0x40, 0x40, 0x40, 0x40, 0x40),
    "(": (0x00, 0x1C, 0x22, 0x41, 0x00), ")": (0x00, 0x41, 0x22, 0x1C, 0x00),
    "/": (0x20, 0x10, 0x08, 0x04, 0x02), ":": (0x00, 0x36, 0x36, 0x00, 0x00),
    ",": (0x00, 0x50, 0x30, 0x00, 0x00), "+": (0x08, 0x08, 0x3E, 0x08, 0x08),
    "=": (0x14, 0x14, 0x14, 0x14, 0x14), "%": (0x23, 0x13, 0x08, 0x64, 0x62),
}
_UNKNOWN = (0x7F, 0x41, 0x41, 0x41, 0x7F)

COLORS = {"jit": (31, 119, 180), "interp": (255, 127, 14), "python": (44, 160, 44),
          "qemu": (148, 103, 189), "unicorn": (23, 190, 207)}
_OTHER = [(214, 39, 40), (140, 86, 75), (127, 127, 127)]


def text_width(s, scale=1):
    return len(s) * 6 * scale - scale if s else 0


def draw_text(img, x, y, s, color=(0, 0, 0), scale=1):
    """Draw s with its top-left corner at (x, y); clipped to the image."""
    h, w, _ = img.shape
    for ch in s.upper():
        cols = _FONT.get(ch, _UNKNOWN)
        for cx, bits in enumerate(cols):
            for cy in range(7):
                if bits >> cy & 1:
                    x0, y0 = x + cx * scale, y + cy * scale
                    if 0 <= x0 < w and 0 <= y0 < h:
                        img[y0:y0 + scale, x0:x0 + scale] = color
        x += 6 * scale


def write_png(path, img):
    """img: uint8 array (height, width, 3)."""
    h, w, _ = img.shape
    raw = b"".join(b"\0" + img[y].tobytes() for y in range(h))   # filter type 0 on every row

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
           chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)


def _label(v):
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}".rstrip("0").rstrip(".")
    return f"{v:.2g}"


def bar_chart(path, groups, series, values, title="", ylabel="MIPS"):
    """values[g][s]: a positive number or None (no bar). Log-scale y axis by decades."""
    flat = [v for row in values for v in row if v and v > 0]
    lo = math.floor(math.log10(min(flat)) - 0.15) if flat else 0   # room under the lowest bar
    hi = math.ceil(math.log10(max(flat))) if flat else 1
    if hi == lo:
        hi += 1
    S = 2                                          # font scale for labels
    bar_w, gap = 22, 26
    left, right, top, bottom = 80, 20, 86, 50
    group_w = len(series) * bar_w
    plot_w = max(len(groups) * (group_w + gap) + gap, 360,
                 text_width(title, S) + 20 - left - right)           # room for the title
    plot_h = 300
    W, H = left + plot_w + right, top + plot_h + bottom
    img = np.full((H, W, 3), 255, dtype=np.uint8)

    def y_of(v):
        return top + plot_h - int(round((math.log10(v) - lo) / (hi - lo) * plot_h))

    if title:
        draw_text(img, (W - text_width(title, S)) // 2, 10, title, scale=S)
    for d in range(lo, hi + 1):                    # gridlines and decade labels
        y = y_of(10.0 ** d)
        img[y, left:left + plot_w] = (205, 205, 205)
        lab = _label(10.0 ** d) if d < 0 else f"{10 ** d}"
        draw_text(img, left - 8 - text_width(lab, S), y - 7, lab, scale=S)
        if d < hi:                                 # minor ticks at 2..9
            for k in range(2, 10):
                ym = y_of(k * 10.0 ** d)
                img[ym, left - 4:left] = (120, 120, 120)
    draw_text(img, 6, top - 24, ylabel, scale=S)
    img[top:top + plot_h + 1, left] = 0            # axes
    img[top + plot_h, left:left + plot_w] = 0
    base = top + plot_h
    for g, name in enumerate(groups):
        x0 = left + gap + g * (group_w + gap)
        for s, ser in enumerate(series):
            v = values[g][s]
            color = COLORS.get(ser, _OTHER[s % len(_OTHER)])
            x = x0 + s * bar_w
            if v and v > 0:
                y = min(y_of(v), base - 1)
                img[y:base, x + 1:x + bar_w - 1] = color
                lab = _label(v)
                draw_text(img, x + (bar_w - text_width(lab)) // 2, y - 9, lab)
        draw_text(img, x0 + (group_w - text_width(name, S)) // 2, base + 10, name, scale=S)
    lx = left + 10                                 # legend, above the plot
    for s, ser in enumerate(series):
        color = COLORS.get(ser, _OTHER[s % len(_OTHER)])
        img[top - 50:top - 36, lx:lx + 14] = color
        draw_text(img, lx + 20, top - 50, ser, scale=S)
        lx += 20 + text_width(ser, S) + 24
    write_png(path, img)
    return path


if __name__ == "__main__":                         # a demo chart
    import sys
    out = sys.argv[1] if len(sys.argv) > 1 else "chart-demo.png"
    bar_chart(out, ["integer", "sort", "fp"], ["jit", "interp", "python", "qemu"],
              [[114, 9, 0.1, 540], [80, 8.5, 0.09, 600], [50, 7, None, 300]],
              title="IN-VM MIPS (DEMO)")
    print(out)
