"""Writes the two feedback sounds into resources/sounds/ (16-bit mono PCM, 22050 Hz).

    .venv/bin/python scripts/generate-sounds.py

ok.wav    — a short rising two-tone beep (880 Hz then 1320 Hz, 200 ms): scan accepted,
            label printed.
error.wav — a low buzz (a 150 Hz square-ish wave, 300 ms): refused scan, error.
The files are committed; this script only documents how they were made.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050
OUT = Path(__file__).resolve().parent.parent / "resources" / "sounds"


def envelope(i: int, total: int, fade: int = 220) -> float:
    """Short linear fade in and out, so the sound starts and stops without a click."""
    return min(1.0, i / fade, (total - 1 - i) / fade)


def tone(freq: float, ms: int, volume: float, harmonics: int = 1) -> list[float]:
    total = RATE * ms // 1000
    samples = []
    for i in range(total):
        t = i / RATE
        # odd harmonics make a buzz (an approximation of a square wave)
        value = sum(
            math.sin(2 * math.pi * freq * (2 * k + 1) * t) / (2 * k + 1) for k in range(harmonics)
        )
        samples.append(volume * value * envelope(i, total))
    return samples


def write(name: str, samples: list[float]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    frames = b"".join(struct.pack("<h", round(max(-1.0, min(1.0, s)) * 32767)) for s in samples)
    with wave.open(str(OUT / name), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(frames)
    print(f"wrote {OUT / name}")


def main() -> None:
    write("ok.wav", tone(880, 90, 0.45) + tone(1320, 110, 0.45))
    write("error.wav", tone(150, 300, 0.5, harmonics=7))


if __name__ == "__main__":
    main()
