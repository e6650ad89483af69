"""Write the corpus of bad and awkward CSV files that ``tests/analysis/test_io_corpus.py`` reads.

Every file is built here from literal bytes, so the corpus is reproducible and
reviewable: ``python tests/data/make_corpus.py`` rewrites the files next to this
script, byte for byte the same (no timestamps, no compression that depends on
the zlib version). ``test_io_corpus.py`` checks that the committed files still
equal what this script builds, and holds the expected outcome of each file.

The files imitate what people really upload: Excel's "CSV UTF-8" (BOM, CRLF),
Excel's "Unicode text" (UTF-16 LE with BOM, tabs), a European Excel export
(semicolons, decimal commas, Windows-1252), an .xlsx or a PNG renamed or
uploaded by mistake, hand-edited files with a stray delimiter or an unclosed quote.
"""

from __future__ import annotations

import struct
import sys
import zipfile
import zlib
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _lines(*rows: str, eol: str = "\n") -> str:
    return "".join(row + eol for row in rows)


def _xlsx() -> bytes:
    """A minimal, deterministic .xlsx-shaped ZIP (stored, fixed timestamps)."""
    members = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types/>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook/>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8"?><worksheet/>',
    }
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for member, text in members.items():
            info = zipfile.ZipInfo(member, date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(info, text)
    return buffer.getvalue()


def _png() -> bytes:
    """A valid 1x1 grey PNG (zlib level 0, so the bytes never depend on the zlib build)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80", 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _gzip(payload: bytes) -> bytes:
    """A gzip member written by hand: stored deflate block, mtime 0 (reproducible)."""
    deflate = zlib.compressobj(0, zlib.DEFLATED, -15)
    body = deflate.compress(payload) + deflate.flush()
    header = b"\x1f\x8b\x08\x00" + b"\x00\x00\x00\x00" + b"\x00\xff"
    return header + body + struct.pack("<II", zlib.crc32(payload), len(payload) & 0xFFFFFFFF)


def _ragged_far() -> bytes:
    # 200 good rows, then a bad one on physical line 152: past the 50 rows the sniffer samples.
    rows = ["id,x,label"] + [f"{i},{i * 0.5},{'ab'[i % 2]}" for i in range(1, 151)]
    rows.append("151,75.5,a,EXTRA")
    rows += [f"{i},{i * 0.5},{'ab'[i % 2]}" for i in range(152, 201)]
    return _lines(*rows).encode()


def _no_target() -> bytes:
    # Every column is an id, unique free text or a continuous measurement: nothing to classify.
    rows = ["record_id,email,comment,weight_kg"]
    words = ["quick", "brown", "fox", "jumps", "over", "lazy", "dog", "again", "today", "slowly"]
    for i in range(1, 31):
        comment = f"Customer {i} wrote that the {words[i % 10]} parcel arrived {words[(i * 3) % 10]} and intact"
        rows.append(f"{1000 + i},user{i:03d}@example.com,{comment},{50 + i * 1.37:.2f}")
    return _lines(*rows).encode()


def _float_target() -> bytes:
    # A regression target: 40 distinct prices with cents. Not a class label.
    rows = ["rooms,district,price"]
    for i in range(40):
        rows.append(f"{1 + i % 5},{'nsew'[i % 4]},{100_000 + i * 7_919.37:.2f}")
    return _lines(*rows).encode()


def build() -> dict[str, bytes]:
    """File name -> exact bytes of every corpus file."""
    files: dict[str, bytes] = {}

    # --- files that cannot be a table ---------------------------------------
    files["empty.csv"] = b""
    files["whitespace_only.csv"] = b"   \n\t\r\n\n  \t  \n"
    files["header_only.csv"] = b"id,name,label\n"
    files["header_then_blank_lines.csv"] = b"id,name,label\r\n\r\n\r\n"
    files["binary_nul.csv"] = b"id,value\n1,\x00\x00\x00\x07\n2,\x00\x01\n"
    files["utf16le_no_bom.csv"] = "id,name\n1,Ana\n".encode("utf-16-le")
    files["excel_workbook.xlsx"] = _xlsx()
    files["image.png"] = _png()
    files["gzipped.csv.gz"] = _gzip(b"a,b\n1,2\n3,4\n")

    # --- rows of different lengths and broken quoting -------------------------
    files["ragged_short_row.csv"] = _lines("a,b,c", "1,2,3", "4,5", "6,7,8").encode()
    # Quoted values with newlines come first, so the bad record (the 5th) is on physical line 8.
    files["ragged_after_quoted_newlines.csv"] = _lines(
        "id,comment,score",
        '1,"first line',
        'second line",5',
        '2,"a, b",4',
        '3,"multi',
        "line",
        'value",3',
        "4,extra,2,oops",
        "5,fine,1",
    ).encode()
    files["ragged_far_down.csv"] = _ragged_far()
    files["unclosed_quote.csv"] = _lines(
        "id,comment,label", "1,fine,a", '2,"never closed,b', "3,lost,a", "4,lost too,b"
    ).encode()

    # --- encodings ------------------------------------------------------------
    # European Excel: Windows-1252, semicolons, decimal commas, thousands dots, CRLF.
    files["semicolon_cp1252_decimal_comma.csv"] = _lines(
        "id;produit;prix;quantité;catégorie",
        "1;café;3,50;2;boisson",
        "2;crème brûlée;6,25;1;dessert",
        "3;thé vert, bio;2,80;3;boisson",
        "4;pâté en croûte;1.234,50;1;entrée",
        "5;remise 5 €;-0,75;4;autre",
        eol="\r\n",
    ).encode("cp1252")
    # Excel "CSV UTF-8": BOM and CRLF.
    files["utf8_bom_excel.csv"] = (
        "\ufeff" + _lines("name,city,label", "Zoë,São Paulo,yes", "Łukasz,Kraków,no", "Ana,Zürich,yes", eol="\r\n")
    ).encode("utf-8")
    # Excel "Unicode text": UTF-16 LE with BOM, tab separated, CRLF.
    files["utf16le_bom_excel_unicode.txt"] = (
        "\ufeff" + _lines("name\tcity\tscore", "Zoë\t東京\t1,5", "Ana\tMünchen\t2,25", "Bo\tOslo\t3", eol="\r\n")
    ).encode("utf-16-le")

    # --- delimiters -----------------------------------------------------------
    files["tab_separated.tsv"] = _lines("x\ty\tlabel", "1\t2.5\tcat", "3\t4.5\tdog", "5\t6.5\tcat").encode()
    files["pipe_separated.csv"] = _lines("x|y|label", "1|a, b|yes", "2|c; d|no", "3|e|yes").encode()

    # --- headers --------------------------------------------------------------
    files["duplicate_headers.csv"] = _lines("a,a,b,a", "1,2,3,4", "5,6,7,8").encode()
    files["blank_headers.csv"] = _lines(",x,,y", "0,1,2,3", "1,4,5,6").encode()
    files["padded_headers.csv"] = _lines(" id ,  name,label  ", "1,ann,a", "2,bob,b").encode()

    # --- layout ---------------------------------------------------------------
    files["quoted_delimiters_newlines.csv"] = _lines(
        "id,text,label",
        '1,"Hello, world",pos',
        '2,"She said ""hi""\nthen left",neg',
        '3,"a;b|c\tdone",pos',
        '4,"",neg',
    ).encode()
    files["crlf_line_endings.csv"] = _lines("a,b,label", "1,2,x", "3,4,y", eol="\r\n").encode()
    files["cr_only_line_endings.csv"] = _lines("a,b,label", "1,2,x", "3,4,y", eol="\r").encode()
    files["trailing_blank_lines.csv"] = _lines("a,b", "1,x", "2,y").encode() + b"\n\n\r\n\n"
    files["leading_blank_lines.csv"] = b"\n\n" + _lines("a,b", "1,x", "2,y").encode()
    files["single_column.csv"] = _lines("value", "3", "1", "4", "1", "5").encode()
    files["too_large.csv"] = _lines("id,label", *[f"{i},{'ab'[i % 2]}" for i in range(1, 31)]).encode()

    # --- no usable target / regression target ---------------------------------
    files["no_target_candidate.csv"] = _no_target()
    files["float_target.csv"] = _float_target()
    return files


def main(out: Path = HERE) -> None:
    for name, data in build().items():
        (out / name).write_bytes(data)
    print(f"wrote {len(build())} files to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
