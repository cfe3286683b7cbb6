"""Reading inputs: directory files today, press articles next.

Every reader returns validated records and raises a ``cartotech.errors``
error naming the file, line and field when the input is not right.
"""

from cartotech.ingest.directory_file import DirectoryFile, load_directory_file, parse_directory_text
from cartotech.ingest.language import detect_language
from cartotech.ingest.readers import (
    DEFAULT_MAX_BYTES,
    iter_documents,
    iter_input_files,
    read_document_bytes,
    read_document_file,
    read_file_bytes,
)
from cartotech.ingest.reading import read_text_file
from cartotech.ingest.stories import (
    StoryEntry,
    StoryIndex,
    StoryKind,
    StoryMatch,
    StorySimilarity,
    similarity,
)

__all__ = ["DirectoryFile", "load_directory_file", "parse_directory_text", "read_text_file"]
__all__ += ["DEFAULT_MAX_BYTES", "detect_language", "iter_documents", "iter_input_files"]
__all__ += ["read_document_file", "StoryEntry", "StoryIndex", "StoryKind", "StoryMatch"]
__all__ += ["StorySimilarity", "similarity", "read_document_bytes", "read_file_bytes"]
