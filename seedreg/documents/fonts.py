"""Finding a Chinese font for PDFs. WeasyPrint embeds (and subsets) whatever font the CSS
names; we name a file we know is there, so a machine without CJK fonts fails loudly instead of
printing empty boxes."""

import functools
import shutil
import subprocess
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]
MISSING = ("没有找到中文字体，无法生成PDF文书。请安装：apt-get install fonts-wqy-zenhei（或 fonts-noto-cjk）/ "
           "no Chinese font found: install the Debian package fonts-wqy-zenhei or fonts-noto-cjk")


@functools.lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    for candidate in CANDIDATES:
        if Path(candidate).exists():
            return Path(candidate)
    if shutil.which("fc-match"):
        out = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout and Path(out.stdout).exists():
            return Path(out.stdout)
    raise ImproperlyConfigured(MISSING)


def font_face_css() -> str:
    return (f"@font-face {{ font-family: 'SeedRegCJK'; src: url('{cjk_font_path().as_uri()}'); }}\n"
            f"body {{ font-family: 'SeedRegCJK', sans-serif; }}\n")
