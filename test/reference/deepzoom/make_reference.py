#!/usr/bin/python3
"""Deep Zoom downsampling reference for src/io/histology/deepZoom.ts, from Pillow.

Source: the top-left 300 x 190 px of ../histology/ihc.png (scikit-image's immunohistochemistry
image), a size that is not a power of two so the last box of every level is partial.
For each DZI level below the full resolution (factor f = 2, 4, ... 512), Pillow's
Image.reduce(f) gives the box-filter downsample: each output pixel is the mean of the f x f
source box, the last row/column averaging only the pixels that exist, output size
ceil(w / f) x ceil(h / f) -- the DZI level size. Saved as reduce_<f>.png (lossless RGB).
Run: /usr/bin/python3 make_reference.py   (Debian python3-pil 9.4.0)
"""
import json
import pathlib

import numpy as np
from PIL import Image

here = pathlib.Path(__file__).parent
src = Image.open(here / ".." / "histology" / "ihc.png").convert("RGB").crop((0, 0, 300, 190))

levels = []
f = 2
while f <= 512:
    r = src.reduce(f)
    r.save(here / f"reduce_{f}.png")
    levels.append({"factor": f, "width": r.width, "height": r.height})
    f *= 2
meta = {"source": "../histology/ihc.png, crop x 0-299, y 0-189", "width": src.width, "height": src.height, "pillow": Image.__version__,
        "numpy": np.__version__, "levels": levels}
(here / "reference.json").write_text(json.dumps(meta, indent=2) + "\n")
