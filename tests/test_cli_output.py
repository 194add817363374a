"""Where a command writes: an output folder that cannot be one is refused before any work, and a
file system error met while writing is said in both languages, never as a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli, write_campaign

pytestmark = pytest.mark.slow(seconds=30)


@pytest.mark.parametrize(
    "command",
    [
        ["run", "{campaign}"],
        ["batch", "{campaign}"],
        ["demo"],
        ["site", "--library", "{library}"],
        ["compare", "{campaign}", "--library", "{library}"],
    ],
    ids=lambda c: c[0],
)
def test_an_output_folder_that_is_a_file_is_refused_before_any_work(tmp_path: Path, command):
    campaign = write_campaign(tmp_path / "shop")
    library = tmp_path / "library"
    library.mkdir()
    blocker = tmp_path / "reports"
    blocker.write_text("not a folder", encoding="utf-8")
    args = [a.format(campaign=campaign, library=library) for a in command]
    for out, said in (
        (blocker, "is a file, not a folder"),
        (blocker / "sub", f"{blocker} is a file, so {blocker / 'sub'} cannot be made under it"),
    ):
        proc = run_cli(*args, "--out", str(out))
        assert proc.returncode == 2, proc.stderr
        assert "option --out (out_unusable)" in proc.stderr
        assert said in proc.stderr and "输出位置不可用" in proc.stderr
        assert "Traceback" not in proc.stdout + proc.stderr
    assert blocker.read_text(encoding="utf-8") == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library", "reports", "shop"]


def test_a_file_in_the_way_of_the_report_is_a_file_system_error_not_a_traceback(tmp_path: Path):
    """The output root is a folder, but the campaign's own folder in it is taken by a file: the
    run stops with exit code 1 and says which path and why, in both languages."""
    campaign = write_campaign(tmp_path / "shop")
    out = tmp_path / "reports"
    out.mkdir()
    (out / "tiny-test").write_text("in the way", encoding="utf-8")
    proc = run_cli("run", str(campaign), "--out", str(out))
    assert proc.returncode == 1, proc.stderr
    assert f"文件系统错误：{out / 'tiny-test'}" in proc.stderr
    assert f"File system error: {out / 'tiny-test'}" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert (out / "tiny-test").read_text(encoding="utf-8") == "in the way"


def test_a_problem_with_an_option_or_argument_names_it_and_the_value_given():
    from fupan.errors import Problem

    option = Problem("no_library", "nothing", "", "", column="--library")
    argument = Problem("no_compare_subject", "x", "", "", column="SUBJECT")
    bare = Problem("bad_option", None, "", "", column="--lang")
    assert option.where() == "option --library = nothing"
    assert argument.where() == "argument SUBJECT = x"
    assert bare.where() == "option --lang"
    table = Problem("null_value", "orders.csv", "", "", row=2, column="user_id")
    assert table.where() == "orders.csv, data row 2 (Excel row 3), column user_id"


def test_a_mistake_on_the_command_line_is_not_called_a_failed_validation(tmp_path: Path):
    campaign = write_campaign(tmp_path / "shop")
    proc = run_cli("run", str(campaign), "--lang", "fr")
    assert proc.returncode == 2
    assert proc.stderr.startswith(
        "命令参数有误：发现 1 个问题 / Invalid command line: 1 problem(s)"
    )
    assert "option --lang (bad_option)" in proc.stderr and "校验失败" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (("run",), "缺少必需的参数", "Missing argument"),
        (("run", "x", "--bogus"), "没有这个选项", "No such option: --bogus"),
        (("demo", "--out", "x", "--scale", "abc"), "值无效", "Invalid value for '--scale'"),
        (("compare", "x", "-k=0"), "值无效", "Invalid value for '-k'"),
    ],
)
def test_a_command_line_mistake_is_said_in_both_languages_without_a_traceback(
    tmp_path, args, zh, en
):
    """typer 0.29 raises the usage errors of the click it ships within itself, which the entry
    point did not know: `fupan run` without a folder, an unknown option, `--scale abc` or `-k=0`
    printed a Python traceback and exited 1. Each is a Chinese line, click's English message
    and exit 2."""
    proc = run_cli(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and zh in proc.stderr and en in proc.stderr
    assert not list(tmp_path.iterdir())  # nothing written
