"""argparse speaking Chinese: help headings, usage errors and value types (never argparse's English)."""
from __future__ import annotations

import argparse
import re


class UsageError(Exception):
    """A command line that cannot be parsed; `message` is Chinese."""

    def __init__(self, message: str, usage: str = ""):
        super().__init__(message)
        self.message = message
        self.usage = usage


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


def _choices(text: str) -> str:
    return "、".join(x.strip().strip("'\"") for x in text.split(","))


def _arg(name: str) -> str:
    return "命令" if name in ("COMMAND", "SUB") else f"参数 {name}"


def _value(name: str, value: str) -> str:
    return f"命令 {value}" if name in ("COMMAND", "SUB") else f"参数 {name} 的取值 {value}"


# argparse's messages (3.11–3.13) → Chinese; the groups are the argument names and values the user typed.
_MESSAGES: tuple[tuple[re.Pattern, object], ...] = tuple((re.compile(p, re.S), f) for p, f in (
    (r"^the following arguments are required: (.*)$", lambda m: f"缺少必填参数：{m[1]}"),
    (r"^argument (.+?): invalid choice: (.+?) \(choose from (.*)\)$",
     lambda m: f"{_value(m[1], m[2])} 无效，可选：{_choices(m[3])}"),
    (r"^argument (.+?): invalid (\w+) value: (.*)$",
     lambda m: f"{_value(m[1], m[3])} 无效，应为{ {'int': '整数', 'float': '数字'}.get(m[2], '有效值')}"),
    (r"^argument (.+?): expected one argument$", lambda m: f"{_arg(m[1])} 后面缺少取值"),
    (r"^argument (.+?): expected at most one argument$", lambda m: f"{_arg(m[1])} 最多接受一个取值"),
    (r"^argument (.+?): expected at least one argument$", lambda m: f"{_arg(m[1])} 至少需要一个取值"),
    (r"^argument (.+?): expected (\d+) arguments?$", lambda m: f"{_arg(m[1])} 需要 {m[2]} 个取值"),
    (r"^argument (.+?): not allowed with argument (.*)$", lambda m: f"{_arg(m[1])} 不能与 {m[2]} 同时使用"),
    (r"^argument (.+?): ignored explicit argument (.*)$", lambda m: f"{_arg(m[1])} 不接受取值 {m[2]}"),
    (r"^unrecognized arguments: (.*)$", lambda m: f"无法识别的参数：{m[1]}"),
    (r"^ambiguous option: (.+?) could match (.*)$", lambda m: f"选项 {m[1]} 不明确，可能是：{m[2]}"),
    (r"^one of the arguments (.*) is required$", lambda m: f"必须给出以下参数之一：{m[1]}"),
    (r"^unexpected option string: (.*)$", lambda m: f"多余的选项：{m[1]}"),
    # our own type functions raise ArgumentTypeError with Chinese text
    (r"^argument (.+?): (.*[\u4e00-\u9fff].*)$", lambda m: f"{_arg(m[1])}：{m[2]}"),
))


def translate(message: str) -> str:
    for pattern, fmt in _MESSAGES:
        m = pattern.match(message.strip())
        if m:
            return fmt(m)
    return "命令行参数有误，请用 --help 查看用法"


class ChineseArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args, **kw):
        kw.setdefault("formatter_class", ChineseHelpFormatter)
        add_help = kw.pop("add_help", True)
        parents = kw.pop("parents", [])
        super().__init__(*args, add_help=False, **kw)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")
        for parent in parents:      # after the titles are Chinese, so the groups merge (as argparse does)
            self._add_container_actions(parent)
            self._defaults.update(parent._defaults)

    def error(self, message):
        raise UsageError(translate(message), self.format_usage())


def bounded_int(low: int, high: int, what: str):
    """An argparse type: an integer in [low, high], refused in Chinese naming the limit."""
    def parse(text: str) -> int:
        t = str(text).strip()
        if not re.fullmatch(r"[+-]?\d{1,12}", t):
            raise argparse.ArgumentTypeError(f"{what}应为整数（{low}–{high}），收到“{text[:40]}”")
        value = int(t)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what}应在 {low}–{high} 之间，收到 {value}")
        return value
    return parse
