"""Uploaded files, their file_ids and the download paths getFile hands out, all in memory.

A file sent once can be sent again by file_id, fetched with getFile and downloaded from
`/file/bot<token>/<file_path>`, which is where both aiogram (`TelegramAPIServer.from_base`) and PTB
(`base_file_url`) look. Photos are decoded with Pillow (already installed with matplotlib) and
stored as Telegram stores them: JPEG renditions fitted in Telegram's size boxes, smallest first.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from PIL import Image, UnidentifiedImageError

from sandbox.errors import bad_request
from sandbox.params import Upload

PHOTO_BOXES = (90, 320, 800, 1280, 2560)
MAX_PHOTO_SIDES_SUM = 10_000
MAX_PHOTO_RATIO = 20
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
FileKind = Literal["photo", "document", "voice", "audio", "video_note"]
KIND_PREFIX = {
    "photo": "AgACAgIAAxkBAA",
    "document": "BQACAgIAAxkBAA",
    "voice": "AwACAgIAAxkBAA",
    "audio": "CQACAgIAAxkBAA",
    "video_note": "DQACAgIAAxkBAA",
}
# Sound and round videos: where they are kept, their extension and MIME type (Telegram's choices).
CLIP_FORMATS = {
    "voice": ("voice", ".oga", "audio/ogg"),
    "audio": ("music", ".mp3", "audio/mpeg"),
    "video_note": ("video_notes", ".mp4", "video/mp4"),
}
VIDEO_NOTE_LENGTH = 384


@dataclass(frozen=True)
class StoredFile:
    """One stored file: identifiers, bytes and the path it is downloaded from."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    content_type: str


class FileStore:
    """file_id -> bytes and file_id -> the media object it was sent as (for re-sending by id)."""

    def __init__(self) -> None:
        self._files: dict[str, StoredFile] = {}
        self._paths: dict[str, StoredFile] = {}
        self._media: dict[str, tuple[FileKind, Any]] = {}
        self._seq = 0

    def _store(
        self, kind: FileKind, data: bytes, folder: str, extension: str, content_type: str
    ) -> StoredFile:
        self._seq += 1
        token = base64.urlsafe_b64encode(secrets.token_bytes(18)).decode()
        stored = StoredFile(
            file_id=f"{KIND_PREFIX[kind]}{self._seq}{token}",
            file_unique_id=f"AQAD{self._seq}{secrets.token_hex(4)}",
            data=data,
            file_path=f"{folder}/file_{self._seq}{extension}",
            content_type=content_type,
        )
        self._files[stored.file_id] = stored
        self._paths[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        """The file behind a file_id, for getFile."""
        return self._files.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        """The file behind a download path."""
        return self._paths.get(file_path)

    def file_json(self, file_id: str | None) -> dict[str, Any]:
        """getFile's File object, or Telegram's 400s for unknown or too big files."""
        stored = self._files.get(file_id or "")
        if stored is None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    def resolve(self, value: Upload | str | None, kind: FileKind) -> Any:
        """The photo sizes or Document for an upload or a file_id, as the message will carry it."""
        if value is None:
            raise bad_request(f"there is no {kind} in the request")
        if isinstance(value, Upload):
            if kind == "photo":
                return self.add_photo(value.data)
            return self.add_document(value) if kind == "document" else self.add_clip(kind, value.data)
        if value.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        known = self._media.get(value)
        if known is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        known_kind, media = known
        if known_kind != kind:
            raise bad_request(f"can't use file of type {known_kind.title()} as {kind.title()}")
        return media

    def add_photo(self, data: bytes) -> list[dict[str, Any]]:
        """Store a photo as Telegram's PhotoSize renditions; refuse what Telegram cannot process."""
        if not data:
            raise bad_request("file must be non-empty")
        try:
            with Image.open(io.BytesIO(data)) as opened:
                image = opened.convert("RGB")
        except (UnidentifiedImageError, OSError):
            raise bad_request("IMAGE_PROCESS_FAILED") from None
        width, height = image.size
        if width + height > MAX_PHOTO_SIDES_SUM or max(width, height) > MAX_PHOTO_RATIO * min(width, height):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        largest = max(width, height)
        boxes = [box for box in PHOTO_BOXES if box < largest]
        if largest <= PHOTO_BOXES[-1]:
            boxes.append(largest)
        sizes: list[dict[str, Any]] = []
        for box in boxes:
            rendition = image.copy()
            rendition.thumbnail((box, box))
            buffer = io.BytesIO()
            rendition.save(buffer, format="JPEG", quality=87)
            stored = self._store("photo", buffer.getvalue(), "photos", ".jpg", "image/jpeg")
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(stored.data),
                    "width": rendition.width,
                    "height": rendition.height,
                }
            )
        for size in sizes:
            self._media[size["file_id"]] = ("photo", sizes)
        return sizes

    def add_document(self, upload: Upload) -> dict[str, Any]:
        """Store a document with its name and MIME type (from the upload, else guessed from the name)."""
        if not upload.data:
            raise bad_request("file must be non-empty")
        file_name = upload.filename or "document"
        mime_type = upload.content_type
        if not mime_type or mime_type == "application/octet-stream":
            mime_type = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        extension = "." + file_name.rsplit(".", 1)[1] if "." in file_name else ""
        stored = self._store("document", upload.data, "documents", extension, mime_type)
        document = {
            "file_name": file_name,
            "mime_type": mime_type,
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        self._media[stored.file_id] = ("document", document)
        return document

    def add_clip(self, kind: FileKind, data: bytes, duration: int = 1) -> dict[str, Any]:
        """Store a voice message, an audio file or a round video note as Telegram describes it.

        The sandbox does not decode sound or video: the duration is what the sender says it is.
        """
        if not data:
            raise bad_request("file must be non-empty")
        folder, extension, mime_type = CLIP_FORMATS[kind]
        stored = self._store(kind, data, folder, extension, mime_type)
        clip: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": max(0, duration),
        }
        if kind == "video_note":
            clip["length"] = VIDEO_NOTE_LENGTH
        else:
            clip["mime_type"] = mime_type
        clip["file_size"] = len(data)
        self._media[stored.file_id] = (kind, clip)
        return clip
