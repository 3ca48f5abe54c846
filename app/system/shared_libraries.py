"""Do the shared libraries of the Qt parts the program loads resolve on this machine?

PySide6's wheels (and the bundle) carry Qt itself but not the system libraries Qt links
against: X11/xcb, EGL, NSS, ALSA, PulseAudio, CUPS… When one is missing, Qt aborts on
start ("could not load the Qt platform plugin xcb") or a module quietly fails to import
(QtMultimedia without libpulse). This module runs `ldd` on each part — the PySide6
modules the program imports, `QtWebEngineProcess` and the plugins it uses (platforms,
image formats, print support, multimedia, input methods) — and reports every library that
does not resolve, with the part that needs it and the Debian package that provides it
(`SONAME_PACKAGES`, Debian 12 names). Linux only; elsewhere there is nothing to check.
No Qt is imported here, so the check runs even where Qt cannot load.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: What runs `ldd` over some files and returns its combined output.
LddRunner = Callable[[Sequence[Path]], str]


@dataclass(frozen=True)
class Part:
    """One file the program loads, relative to the PySide6 package folder."""

    name: str
    path: str
    window: bool = False  # the window cannot open without it

    def file(self, pyside_dir: Path) -> Path:
        return pyside_dir / self.path


_PLUGINS = "Qt/plugins"
_INPUT = f"{_PLUGINS}/platforminputcontexts"

#: The parts of Qt the program loads; `window` ones must resolve before the window opens.
PARTS: tuple[Part, ...] = (
    Part("QtCore", "QtCore.abi3.so", window=True),
    Part("QtGui", "QtGui.abi3.so", window=True),
    Part("QtWidgets", "QtWidgets.abi3.so", window=True),
    Part("QtNetwork", "QtNetwork.abi3.so"),
    Part("QtPrintSupport", "QtPrintSupport.abi3.so", window=True),
    Part("QtWebEngineCore", "QtWebEngineCore.abi3.so", window=True),
    Part("QtWebEngineWidgets", "QtWebEngineWidgets.abi3.so", window=True),
    Part("QtWebEngineProcess", "Qt/libexec/QtWebEngineProcess", window=True),
    Part("QtMultimedia", "QtMultimedia.abi3.so"),
    Part("multimedia plugin (FFmpeg)", f"{_PLUGINS}/multimedia/libffmpegmediaplugin.so"),
    Part("xcb platform plugin", f"{_PLUGINS}/platforms/libqxcb.so", window=True),
    Part("xcb EGL integration", f"{_PLUGINS}/xcbglintegrations/libqxcb-egl-integration.so"),
    Part("xcb GLX integration", f"{_PLUGINS}/xcbglintegrations/libqxcb-glx-integration.so"),
    Part("Wayland platform plugin", f"{_PLUGINS}/platforms/libqwayland.so"),
    Part("offscreen platform plugin", f"{_PLUGINS}/platforms/libqoffscreen.so"),
    Part("CUPS print support plugin", f"{_PLUGINS}/printsupport/libcupsprintersupport.so"),
    Part("GIF image format", f"{_PLUGINS}/imageformats/libqgif.so"),
    Part("ICO image format", f"{_PLUGINS}/imageformats/libqico.so"),
    Part("JPEG image format", f"{_PLUGINS}/imageformats/libqjpeg.so"),
    Part("SVG image format", f"{_PLUGINS}/imageformats/libqsvg.so"),
    Part("SVG icon engine", f"{_PLUGINS}/iconengines/libqsvgicon.so"),
    Part("compose input method", f"{_INPUT}/libcomposeplatforminputcontextplugin.so"),
    Part("IBus input method", f"{_INPUT}/libibusplatforminputcontextplugin.so"),
)

#: The Debian (12) package of each system library the parts above link to, directly or not.
#: tests/unit/system checks it against `dpkg -S` and against scripts/system-packages.txt.
SONAME_PACKAGES: Mapping[str, str] = {
    "libEGL.so.1": "libegl1",
    "libFLAC.so.12": "libflac12",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXcomposite.so.1": "libxcomposite1",
    "libXdamage.so.1": "libxdamage1",
    "libXdmcp.so.6": "libxdmcp6",
    "libXext.so.6": "libxext6",
    "libXfixes.so.3": "libxfixes3",
    "libXrandr.so.2": "libxrandr2",
    "libXrender.so.1": "libxrender1",
    "libXtst.so.6": "libxtst6",
    "libasound.so.2": "libasound2",
    "libasyncns.so.0": "libasyncns0",
    "libavahi-client.so.3": "libavahi-client3",
    "libavahi-common.so.3": "libavahi-common3",
    "libbrotlicommon.so.1": "libbrotli1",
    "libbrotlidec.so.1": "libbrotli1",
    "libbsd.so.0": "libbsd0",
    "libbz2.so.1": "libbz2-1.0",
    "libc.so.6": "libc6",
    "libcap.so.2": "libcap2",
    "libcom_err.so.2": "libcom-err2",
    "libcups.so.2": "libcups2",
    "libdbus-1.so.3": "libdbus-1-3",
    "libdl.so.2": "libc6",
    "libdrm.so.2": "libdrm2",
    "libexpat.so.1": "libexpat1",
    "libffi.so.8": "libffi8",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libgbm.so.1": "libgbm1",
    "libgcc_s.so.1": "libgcc-s1",
    "libgcrypt.so.20": "libgcrypt20",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgmp.so.10": "libgmp10",
    "libgnutls.so.30": "libgnutls30",
    "libgpg-error.so.0": "libgpg-error0",
    "libgssapi_krb5.so.2": "libgssapi-krb5-2",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libhogweed.so.6": "libhogweed6",
    "libidn2.so.0": "libidn2-0",
    "libk5crypto.so.3": "libk5crypto3",
    "libkeyutils.so.1": "libkeyutils1",
    "libkrb5.so.3": "libkrb5-3",
    "libkrb5support.so.0": "libkrb5support0",
    "liblz4.so.1": "liblz4-1",
    "liblzma.so.5": "liblzma5",
    "libm.so.6": "libc6",
    "libmd.so.0": "libmd0",
    "libmp3lame.so.0": "libmp3lame0",
    "libmpg123.so.0": "libmpg123-0",
    "libnettle.so.8": "libnettle8",
    "libnspr4.so": "libnspr4",
    "libnss3.so": "libnss3",
    "libnssutil3.so": "libnss3",
    "libogg.so.0": "libogg0",
    "libopus.so.0": "libopus0",
    "libp11-kit.so.0": "libp11-kit0",
    "libpcre2-8.so.0": "libpcre2-8-0",
    "libplc4.so": "libnspr4",
    "libplds4.so": "libnspr4",
    "libpng16.so.16": "libpng16-16",
    "libpthread.so.0": "libc6",
    "libpulse.so.0": "libpulse0",
    "libpulsecommon-16.1.so": "libpulse0",
    "libresolv.so.2": "libc6",
    "libsmime3.so": "libnss3",
    "libsndfile.so.1": "libsndfile1",
    "libstdc++.so.6": "libstdc++6",
    "libsystemd.so.0": "libsystemd0",
    "libtasn1.so.6": "libtasn1-6",
    "libudev.so.1": "libudev1",
    "libunistring.so.2": "libunistring2",
    "libvorbis.so.0": "libvorbis0a",
    "libvorbisenc.so.2": "libvorbisenc2",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-server.so.0": "libwayland-server0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-dri3.so.0": "libxcb-dri3-0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbfile.so.1": "libxkbfile1",
    "libxshmfence.so.1": "libxshmfence1",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
}


@dataclass
class Resolution:
    """What `ldd` found: the files checked, the libraries each resolved to, what is missing."""

    checked: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # parts whose file is not installed
    resolved: dict[str, str] = field(default_factory=dict)  # soname -> path
    missing: dict[str, list[str]] = field(default_factory=dict)  # soname -> parts needing it

    @property
    def ok(self) -> bool:
        return not self.missing and not self.absent

    def packages(self) -> list[str]:
        """The Debian packages that provide the missing libraries, sorted."""
        return sorted({package_of(soname) for soname in self.missing})

    def problems(self) -> list[str]:
        """One line per missing library (and per absent part), naming its package."""
        lines = [
            f"{soname} (Debian package {package_of(soname)}) needed by {', '.join(parts)}"
            for soname, parts in sorted(self.missing.items())
        ]
        lines += [f"{part}: file not installed" for part in self.absent]
        return lines

    def install_line(self) -> str:
        return "sudo apt-get install --no-install-recommends " + " ".join(self.packages())

    def summary(self) -> str:
        """One line: how many parts resolved, or every problem and the line to fix them."""
        if self.ok:
            return (
                f"{len(self.checked)} Qt parts, {len(self.resolved)} system libraries, all resolved"
            )
        text = "; ".join(self.problems())
        if self.missing:
            text += f" — install with: {self.install_line()}"
        return text


def package_of(soname: str) -> str:
    """The Debian package of `soname`, or a hint where the table does not know it."""
    return SONAME_PACKAGES.get(soname, f"unknown; find it with `apt-file search {soname}`")


def pyside_dir() -> Path | None:
    """The installed PySide6 package folder (in a source venv or in the bundle), if any."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def run_ldd(files: Sequence[Path]) -> str:
    """`ldd` over `files` (its output names each file before its libraries)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        raise FileNotFoundError("ldd is not installed (Debian package libc-bin)")
    result = subprocess.run(
        [ldd, *map(str, files)], capture_output=True, text=True, check=False, timeout=60
    )
    return result.stdout


def parse_ldd(output: str, files: Sequence[Path]) -> dict[Path, dict[str, str | None]]:
    """Per file: soname -> resolved path, or None where ldd said "not found".

    With one file ldd prints no header; with several it prints `<file>:` before each.
    """
    per_file: dict[Path, dict[str, str | None]] = {}
    by_name = {str(f): f for f in files}
    current = files[0] if len(files) == 1 else None
    for raw in output.splitlines():
        line = raw.strip()
        if not raw.startswith(("\t", " ")) and line.endswith(":") and line[:-1] in by_name:
            current = by_name[line[:-1]]
            continue
        if current is None or "=>" not in line:
            continue
        soname, _, target = (part.strip() for part in line.partition("=>"))
        libs = per_file.setdefault(current, {})
        if target.startswith("not found"):
            libs[soname] = None
        else:
            libs[soname] = target.split(" (", 1)[0].strip() or None
    return per_file


def resolve(
    parts: Iterable[Part] = PARTS,
    *,
    root: Path | None = None,
    ldd: LddRunner = run_ldd,
) -> Resolution:
    """Run `ldd` over every part's file under `root` (PySide6's folder) and collect."""
    result = Resolution()
    if not sys.platform.startswith("linux"):
        return result
    root = root if root is not None else pyside_dir()
    parts = list(parts)
    if root is None:
        result.absent.append("PySide6 (not installed)")
        return result
    present: dict[Path, Part] = {}
    for part in parts:
        path = part.file(root)
        if path.exists():
            present[path] = part
        else:
            result.absent.append(f"{part.name} ({path})")
    if not present:
        return result
    files = list(present)
    for path, libs in parse_ldd(ldd(files), files).items():
        result.checked.append(present[path].name)
        for soname, target in libs.items():
            if target is None:
                needers = result.missing.setdefault(soname, [])
                if present[path].name not in needers:
                    needers.append(present[path].name)
            elif not _shipped(target, root):
                result.resolved[soname] = target
    return result


def _shipped(target: str, root: Path) -> bool:
    """Does `target` come with the program (PySide6, shiboken6, the bundle's folder)?"""
    return root.resolve().parent in Path(target).resolve().parents


def window_parts() -> list[Part]:
    """The parts without which the window cannot open."""
    return [part for part in PARTS if part.window]
