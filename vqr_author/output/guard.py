"""Before anything is written: no command ever writes over one of its own inputs.

Every command that writes names its outputs (the main file and its side files: the PDF beside a
report, the report's .vqr.json record) and every file it reads (the workbooks, the template, the
case photos the workbooks reference, last year's workbook, the edition file). ``check_outputs``
refuses, before a single byte is written, when

- an output is the same file as an input: compared by device and inode, so a symbolic link, a hard
  link, an absolute or relative spelling of the same file all count; an output that does not exist
  yet is compared by its resolved path (its folder may be a link);
- the main output's extension is not the kind of file the command writes (.docx or .xlsx), which is
  how ``vqr render 学校.xlsx -o 学校.xlsx`` or ``-o 照片/案例1.png`` used to destroy a file;
- an output's name is longer than the file system allows: the record's name is four bytes longer
  than the report's, so a report name near the limit used to be written and its record then failed;
- an output cannot be written at all (missing folder, read-only file…).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from vqr_author.errors import OutputError
from vqr_author.output.atomic import check_name_length, check_writable_target

KINDS = {".docx": "Word 报告（.docx）", ".xlsx": "Excel 填报表（.xlsx）"}


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)  # follows symbolic links
    except (OSError, ValueError):
        return None
    return (stat.st_dev, stat.st_ino)


def _resolved(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are (or would be) the same file: links and spellings count."""
    first, second = _identity(a), _identity(b)
    if first is not None and second is not None:
        return first == second
    return _resolved(a) == _resolved(b)


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def check_output_name(path: Path, option: str = "-o") -> None:
    """Refuse an output path that names a folder (-o ., -o /, -o 输出/) before side-file names are made from it."""
    if not path.name or _is_dir(path):
        check_writable_target(path)  # says it is a folder and what to write instead
        raise OutputError(f"“{path}”不是文件名。请在 {option} 后写完整的文件名。")


def check_outputs(
    outputs: Iterable[tuple[Path, str]],
    inputs: Iterable[tuple[Path | None, str]],
    kind: str,
    suggestion: str,
    option: str = "-o",
) -> None:
    """Refuse (OutputError, exit code 2) before anything is written when an output would replace an
    input, has the wrong extension, has too long a name, or cannot be written.

    ``outputs``: (path, what it is) — the first is the file the user named with -o, of extension
    ``kind`` (".docx" or ".xlsx"); ``inputs``: (path, what it is) of every file the command reads
    (None entries are skipped); ``suggestion``: a word for the suggested name (报告, 问题…);
    ``option``: how the user named the output (-o, --annotate).
    """
    outputs = [(Path(p), role) for p, role in outputs]
    check_output_name(outputs[0][0], option)
    inputs = [(Path(p), role) for p, role in inputs if p is not None]
    main = outputs[0][0]
    for output, out_role in outputs:
        for source, in_role in inputs:
            if same_file(output, source):
                better = main.with_name(f"{main.stem}-{suggestion}{kind}")
                link = "" if str(output) == str(source) else f"（与“{source}”是同一个文件）"
                raise OutputError(
                    f"不能把{out_role}写到“{output}”{link}：它是本命令要读取的{in_role}，写入会覆盖原文件。"
                    f"工具没有写入任何文件。请在 {option} 后另取一个文件名，例如“{better}”。")
    if main.suffix.lower() != kind:
        ext = f"的扩展名是“{main.suffix}”" if main.suffix else "没有扩展名"
        fixed = main.with_suffix(kind) if main.suffix else main.with_name(main.name + kind)
        raise OutputError(
            f"输出文件“{main}”{ext}，而这里生成的是 {KINDS[kind]}。工具没有写入任何文件。"
            f"请在 {option} 后写以 {kind} 结尾的文件名，例如“{fixed}”。")
    for output, out_role in outputs:
        check_name_length(output, main, out_role)
    for output, _ in outputs:
        check_writable_target(output)
