"""The medium really produced, from the output's file name or format (pure)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from .models import ItemType, MediaType

_BY_EXTENSION: dict[str, MediaType] = {
    **dict.fromkeys(("png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"), MediaType.IMAGE),
    **dict.fromkeys(("mp3", "wav", "flac", "ogg", "oga", "m4a", "aac", "opus"), MediaType.AUDIO),
    **dict.fromkeys(("mp4", "webm", "mov", "mkv", "avi", "m4v"), MediaType.VIDEO),
    **dict.fromkeys(("glb", "gltf", "obj", "stl", "ply", "fbx", "usdz", "3mf"), MediaType.THREE_D),
}
#: Media a sound file may be (the file cannot tell speech from music).
_SOUND = (MediaType.AUDIO, MediaType.MUSIC)

OUTPUT_ITEM_TYPES: dict[MediaType, ItemType] = {
    MediaType.IMAGE: ItemType.OUTPUT_IMAGE,
    MediaType.AUDIO: ItemType.OUTPUT_AUDIO,
    MediaType.MUSIC: ItemType.OUTPUT_MUSIC,
    MediaType.VIDEO: ItemType.OUTPUT_VIDEO,
    MediaType.THREE_D: ItemType.OUTPUT_3D,
}


def produced_medium(
    claimed: MediaType, file_path: str | None, metadata: dict[str, Any] | None
) -> MediaType:
    """The medium of the file (by extension, else metadata `format`); `claimed` when unknown."""
    ext = PurePath(file_path).suffix.lstrip(".").lower() if file_path else ""
    if not ext and metadata and isinstance(metadata.get("format"), str):
        ext = str(metadata["format"]).lstrip(".").lower()
    found = _BY_EXTENSION.get(ext)
    if found is None or found == claimed or (found in _SOUND and claimed in _SOUND):
        return claimed
    return found
