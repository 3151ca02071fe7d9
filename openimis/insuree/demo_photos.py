"""Pictures for the demo dataset: its photo rows name files that the dataset does not ship. Once the
demo is loaded, each of its photo rows whose file is missing gets a small generated PNG (a silhouette
in a colour of its own), so that the enquiry box and the insuree page show a picture. Rows that are
not the demo's (an imported openIMIS database) are left alone: their files are copied by the operator."""

from __future__ import annotations

import csv
import struct
import zlib

from openimis.core.legacy_import.demo import DEMO_DATA
from openimis.insuree.models import Photo
from openimis.insuree.photos import photo_file_path

SIZE = 64
BACKGROUND = (236, 239, 241)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(pixels: list[list[tuple[int, int, int]]]) -> bytes:
    """An RGB PNG of `pixels` (rows of (red, green, blue))."""
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + bytes(value for pixel in row for value in pixel) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, truecolour
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b""))


def silhouette(seed: int) -> bytes:
    """A head and shoulders on a light background, coloured after `seed`."""
    colour = ((seed * 67) % 160 + 40, (seed * 131) % 160 + 40, (seed * 29) % 160 + 60)
    centre = SIZE / 2
    pixels = []
    for y in range(SIZE):
        row = []
        for x in range(SIZE):
            head = (x - centre) ** 2 + (y - SIZE * 0.36) ** 2 <= (SIZE * 0.18) ** 2
            shoulders = y >= SIZE * 0.62 and (x - centre) ** 2 + (y - SIZE) ** 2 <= (SIZE * 0.42) ** 2
            row.append(colour if head or shoulders else BACKGROUND)
        pixels.append(row)
    return png_bytes(pixels)


def demo_photo_uuids() -> set[str]:
    with (DEMO_DATA / "tblPhotos.csv").open(newline="", encoding="utf-8") as source:
        return {row["PhotoUUID"] for row in csv.DictReader(source) if row.get("PhotoUUID")}


def write_demo_photos() -> int:
    """Write the missing files of the demo's photo rows; the number of files written."""
    written = 0
    for photo in Photo.objects.filter(uuid__in=demo_photo_uuids()).order_by("id"):
        path = photo_file_path(photo.folder, photo.filename)
        if path is None or path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(silhouette(photo.insuree_id or photo.id))
        written += 1
    return written
