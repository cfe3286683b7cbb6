"""Reading inputs: directory files today, press articles next.

Every reader returns validated records and raises a ``cartotech.errors``
error naming the file, line and field when the input is not right.
"""

from cartotech.ingest.directory_file import DirectoryFile, load_directory_file, parse_directory_text
from cartotech.ingest.reading import read_text_file

__all__ = ["DirectoryFile", "load_directory_file", "parse_directory_text", "read_text_file"]
