"""Parse a rule with `ast` against a whitelist and type-check it into a small typed tree.

Nothing here ever evaluates the text: every Python construct that is not explicitly listed is refused with
its position, so a rule cannot reach attributes, builtins or loops.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import tokenize
from dataclasses import dataclass
from typing import Any

from .types import CODE_WIDTHS, FactType, RuleError, Schema, canonical_code

FUNCTIONS = ("age_at", "months_between", "days_since", "is_known", "any_prefix", "date")
RESERVED = frozenset({"P", "on", "True", "False", "None", *FUNCTIONS})
_CMP = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


@dataclass(eq=False)
class Node:
    """A typed node. `kind` is one of: lit, fact, param, on, neg, arith, cmp, and, or, not, in_list, in_set,
    is_known, any_prefix, call. `value` holds the literal, name, operator or function name."""

    kind: str
    type: FactType
    args: tuple[Node, ...] = ()
    value: Any = None
    text: str = ""
    line: int = 1
    column: int = 1

    def walk(self):
        yield self
        for arg in self.args:
            yield from arg.walk()

    @property
    def never_unknown(self) -> bool:
        return self.kind in ("lit", "param", "on", "is_known")


def _balanced(text: str) -> bool:
    depth = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.OP and tok.string in "([{":
                depth += 1
            elif tok.type == tokenize.OP and tok.string in ")]}":
                depth -= 1
                if depth < 0:
                    return False
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return False
    return depth == 0


class _Parser:
    def __init__(self, text: str, schema: Schema, parameter_names, allow_facts: bool = True):
        self.text = text
        self.schema = schema
        self.parameter_names = frozenset(parameter_names)
        self.allow_facts = allow_facts
        self.line_offset = 0
        self.lines: list[str] = []

    # -- positions -------------------------------------------------------------------------------------

    def _pos(self, node: ast.AST) -> tuple[int, int]:
        # Every node the checker reports on (expressions, keywords, comprehensions) carries a position.
        lineno: int = getattr(node, "lineno", 1)
        offset: int = getattr(node, "col_offset", 0)
        line = lineno - self.line_offset
        raw = self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""
        column = len(raw.encode("utf-8")[:offset].decode("utf-8", errors="replace")) + 1
        return max(line, 1), column

    def error(self, code: str, message: str, node: ast.AST, **details) -> RuleError:
        line, column = self._pos(node)
        return RuleError(code, message, line, column, details)

    def _segment(self, node: ast.AST) -> str:
        return (ast.get_source_segment(self.source, node) or "").strip()

    def _node(self, kind, type_, node: ast.AST, args=(), value=None, text=None) -> Node:
        line, column = self._pos(node)
        return Node(
            kind, type_, tuple(args), value, text if text is not None else self._segment(node), line, column
        )

    # -- entry -------------------------------------------------------------------------------------------

    def parse(self) -> Node:
        text = self.text
        if not isinstance(text, str) or not text.strip():
            raise RuleError("syntax", "The rule is empty.", 1, 1)
        try:
            tree = ast.parse(text.strip(), mode="eval")
            self.source = text.strip()
        except SyntaxError as exc:
            # A rule spread over several lines is one expression: read it as if it were in parentheses, but
            # only when its own brackets balance, so "a) or (b" is not silently accepted.
            if "\n" not in text.strip() or not _balanced(text.strip()):
                raise self._syntax(exc, text.strip()) from None
            wrapped = "(\n" + text.strip() + "\n)"
            try:
                tree = ast.parse(wrapped, mode="eval")
            except SyntaxError as exc2:
                exc2.lineno = (exc2.lineno or 2) - 1
                raise self._syntax(exc2, text.strip()) from None
            self.source = wrapped
            self.line_offset = 1
        self.lines = self.source.split("\n")
        return self.visit(tree.body)

    def _syntax(self, exc: SyntaxError, text: str) -> RuleError:
        lines = text.split("\n")
        line = min(max(exc.lineno or 1, 1), len(lines))
        # The parser reports offset 0 when the text simply ends too early: point just past its end.
        column = exc.offset if exc.offset else len(lines[line - 1]) + 1
        column = min(max(column, 1), len(lines[line - 1]) + 1)
        return RuleError("syntax", f"The rule cannot be read: {exc.msg}.", line, column, {"reason": exc.msg})

    # -- expressions -----------------------------------------------------------------------------------

    def visit(self, node: ast.AST) -> Node:
        method = getattr(self, "v_" + type(node).__name__, None)
        if method is None:
            raise self.error(
                "not_allowed",
                f"This construct is not part of the rule language: {type(node).__name__}.",
                node,
                construct=type(node).__name__,
            )
        return method(node)

    def v_Constant(self, node: ast.Constant) -> Node:
        value = node.value
        if value is None:
            raise self.error("not_allowed", "None is not a value here; use is_known(fact) instead.", node)
        if isinstance(value, bool):
            return self._node("lit", FactType.BOOL, node, value=value)
        if isinstance(value, int):
            return self._node("lit", FactType.INT, node, value=value)
        if isinstance(value, float):
            return self._node("lit", FactType.DECIMAL, node, value=value)
        if isinstance(value, str):
            return self._node("lit", FactType.STR, node, value=value)
        raise self.error("not_allowed", f"Literal of type {type(value).__name__} is not allowed.", node)

    def v_Name(self, node: ast.Name) -> Node:
        name = node.id
        if name == "on":
            return self._node("on", FactType.DATE, node)
        if name in ("P", *FUNCTIONS):
            raise self.error("not_allowed", f"'{name}' cannot be used on its own.", node, name=name)
        if not self.allow_facts or name not in self.schema:
            raise self.error("unknown_fact", f"Unknown fact '{name}'.", node, name=name)
        return self._node("fact", self.schema[name], node, value=name)

    def v_Attribute(self, node: ast.Attribute) -> Node:
        if not (isinstance(node.value, ast.Name) and node.value.id == "P"):
            raise self.error("not_allowed", "Only parameters can be written with a dot: P.name.", node)
        if node.attr not in self.parameter_names:
            raise self.error("unknown_parameter", f"Unknown parameter 'P.{node.attr}'.", node, name=node.attr)
        return self._node("param", FactType.DECIMAL, node, value=node.attr)

    def v_UnaryOp(self, node: ast.UnaryOp) -> Node:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            self._expect_bool(operand, node.operand)
            return self._node("not", FactType.BOOL, node, (operand,))
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            if not operand.type.numeric:
                raise self.error("type_error", "A sign applies to numbers only.", node.operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            if operand.kind == "lit":
                return self._node("lit", operand.type, node, value=-operand.value)
            return self._node("neg", operand.type, node, (operand,))
        raise self.error("not_allowed", "This operator is not part of the rule language.", node)

    def v_BinOp(self, node: ast.BinOp) -> Node:
        op = _ARITH.get(type(node.op))
        if op is None:
            raise self.error("not_allowed", "Only + - * / are allowed.", node)
        left, right = self.visit(node.left), self.visit(node.right)
        for side, src in ((left, node.left), (right, node.right)):
            if not side.type.numeric:
                raise self.error(
                    "type_error",
                    f"'{op}' needs numbers, got {side.type.value}.",
                    src,
                    expected="number",
                    got=side.type.value,
                )
        if op == "/" or FactType.DECIMAL in (left.type, right.type):
            type_ = FactType.DECIMAL
        else:
            type_ = FactType.INT
        return self._node("arith", type_, node, (left, right), value=op)

    def v_BoolOp(self, node: ast.BoolOp) -> Node:
        items = [self.visit(v) for v in node.values]
        for item, src in zip(items, node.values, strict=True):
            self._expect_bool(item, src)
        kind = "and" if isinstance(node.op, ast.And) else "or"
        return self._node(kind, FactType.BOOL, node, items)

    def v_Compare(self, node: ast.Compare) -> Node:
        operands = [node.left, *node.comparators]
        parts: list[Node] = []
        left = self.visit(node.left)
        for i, (op, right_src) in enumerate(zip(node.ops, node.comparators, strict=True)):
            left_src = operands[i]
            if isinstance(op, (ast.In, ast.NotIn)):
                part = self._membership(left, left_src, right_src, node)
                right = None
                if isinstance(op, ast.NotIn):
                    part = Node("not", FactType.BOOL, (part,), None, part.text, part.line, part.column)
            elif type(op) in _CMP:
                right = self.visit(right_src)
                part = self._comparison(_CMP[type(op)], left, right, left_src, right_src)
            else:
                raise self.error("not_allowed", "'is' is not allowed; use == or is_known(fact).", right_src)
            parts.append(part)
            if i + 1 < len(node.ops):
                left = right if right is not None else self.visit(right_src)
        if len(parts) == 1:
            return parts[0]
        return self._node("and", FactType.BOOL, node, parts)

    @staticmethod
    def _as_code(fact: Node, literal: Node) -> Node:
        """A literal compared with a code fact (region) in the code's one form: `region == 7` means region '07'."""
        if (
            fact.kind == "fact"
            and fact.value in CODE_WIDTHS
            and literal.kind == "lit"
            and literal.type in (FactType.STR, FactType.INT)
        ):
            value = canonical_code(fact.value, literal.value)
            return Node("lit", FactType.STR, (), value, literal.text, literal.line, literal.column)
        return literal

    def _comparison(self, op, left: Node, right: Node, left_src, right_src) -> Node:
        if op in ("==", "!="):
            left, right = self._as_code(right, left), self._as_code(left, right)
        lt, rt = left.type, right.type
        ordering = op not in ("==", "!=")
        ok = (lt.numeric and rt.numeric) or (
            lt == rt
            and lt in ((FactType.DATE,) if ordering else (FactType.STR, FactType.BOOL, FactType.DATE))
        )
        if not ok:
            raise self.error(
                "type_error",
                f"Cannot compare {lt.value} with {rt.value} using '{op}'.",
                right_src if lt.numeric or lt == FactType.DATE else left_src,
                left=lt.value,
                right=rt.value,
                operator=op,
            )
        text = f"{self._segment(left_src)} {op} {self._segment(right_src)}"
        line, column = self._pos(left_src)
        return Node("cmp", FactType.BOOL, (left, right), op, text, line, column)

    def _membership(self, left: Node, left_src, right_src, whole) -> Node:
        text = f"{self._segment(left_src)} in {self._segment(right_src)}"
        line, column = self._pos(left_src)
        if isinstance(right_src, (ast.Tuple, ast.List, ast.Set)):
            values = []
            for element in right_src.elts:
                if isinstance(element, ast.Constant) and element.value is None:
                    raise self.error(
                        "none_in_list", "None is not allowed inside an 'in (...)' list.", element
                    )
                item = self._as_code(left, self.visit(element))
                if item.kind != "lit":
                    raise self.error("not_allowed", "An 'in (...)' list holds literal values only.", element)
                compatible = (left.type.numeric and item.type.numeric) or left.type == item.type
                if not compatible or left.type in (FactType.STR_SET, FactType.DATE):
                    raise self.error(
                        "type_error",
                        f"The list holds {item.type.value} but the left side is {left.type.value}.",
                        element,
                        left=left.type.value,
                        right=item.type.value,
                    )
                values.append(item.value)
            return Node("in_list", FactType.BOOL, (left,), tuple(values), text, line, column)
        right = self.visit(right_src)
        if right.type != FactType.STR_SET:
            raise self.error(
                "type_error",
                "'in' needs a literal list (a, b, ...) or a set-valued fact on its right.",
                right_src,
                got=right.type.value,
            )
        if left.type != FactType.STR:
            raise self.error(
                "type_error", f"Only text can be looked up in a set, got {left.type.value}.", left_src
            )
        return Node("in_set", FactType.BOOL, (left, right), None, text, line, column)

    def v_Call(self, node: ast.Call) -> Node:
        if not isinstance(node.func, ast.Name):
            raise self.error("not_allowed", "Only the functions of the rule library can be called.", node)
        name = node.func.id
        if name not in FUNCTIONS:
            raise self.error(
                "unknown_function",
                f"Unknown function '{name}'. Known: {', '.join(FUNCTIONS)}.",
                node.func,
                name=name,
            )
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.error("not_allowed", "Functions take plain positional arguments.", node)
        return getattr(self, "f_" + name)(node, node.args)

    def _arity(self, node, args, low, high=None):
        high = low if high is None else high
        if not low <= len(args) <= high:
            want = str(low) if low == high else f"{low}–{high}"
            raise self.error(
                "arity",
                f"{node.func.id}() takes {want} argument(s), got {len(args)}.",
                node,
                name=node.func.id,
            )

    def _typed(self, src, type_: FactType, fn: str) -> Node:
        arg = self.visit(src)
        if arg.type != type_:
            raise self.error(
                "type_error",
                f"{fn}() needs a {type_.value} here, got {arg.type.value}.",
                src,
                expected=type_.value,
                got=arg.type.value,
            )
        return arg

    def f_age_at(self, node, args):
        self._arity(node, args, 1, 2)
        birth = self._typed(args[0], FactType.DATE, "age_at")
        on = self._typed(args[1], FactType.DATE, "age_at") if len(args) == 2 else Node("on", FactType.DATE)
        return self._node("call", FactType.INT, node, (birth, on), value="age_at")

    def f_months_between(self, node, args):
        self._arity(node, args, 2)
        a = self._typed(args[0], FactType.DATE, "months_between")
        b = self._typed(args[1], FactType.DATE, "months_between")
        return self._node("call", FactType.INT, node, (a, b), value="months_between")

    def f_days_since(self, node, args):
        self._arity(node, args, 1)
        d = self._typed(args[0], FactType.DATE, "days_since")
        return self._node("call", FactType.INT, node, (d, Node("on", FactType.DATE)), value="days_since")

    def f_is_known(self, node, args):
        self._arity(node, args, 1)
        if not isinstance(args[0], ast.Name):
            raise self.error("type_error", "is_known() takes the name of a fact.", args[0])
        fact = self.visit(args[0])
        return self._node("is_known", FactType.BOOL, node, (fact,), value=fact.value)

    def f_any_prefix(self, node, args):
        self._arity(node, args, 2)
        codes = self._typed(args[0], FactType.STR_SET, "any_prefix")
        src = args[1]
        if isinstance(src, ast.Constant) and isinstance(src.value, str):
            prefixes = (src.value,)
        elif isinstance(src, (ast.Tuple, ast.List)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in src.elts
        ):
            prefixes = tuple(e.value for e in src.elts)
        else:
            raise self.error("type_error", "any_prefix() takes a literal list of text prefixes.", src)
        return self._node("any_prefix", FactType.BOOL, node, (codes,), value=prefixes)

    def f_date(self, node, args):
        self._arity(node, args, 1)
        src = args[0]
        if not (isinstance(src, ast.Constant) and isinstance(src.value, str)):
            raise self.error("type_error", "date() takes a text 'YYYY-MM-DD'.", src)
        try:
            value = dt.date.fromisoformat(src.value)
        except ValueError:
            raise self.error("type_error", f"'{src.value}' is not a date YYYY-MM-DD.", src) from None
        return self._node("lit", FactType.DATE, node, value=value)

    def _expect_bool(self, item: Node, src) -> None:
        if item.type != FactType.BOOL:
            raise self.error(
                "type_error",
                f"Expected a yes/no condition, got {item.type.value}.",
                src,
                expected="bool",
                got=item.type.value,
            )


def parse(text: str, schema: Schema, parameter_names, *, want_bool: bool = True) -> Node:
    """Parse and type-check `text`; the whole rule must be a yes/no condition unless want_bool is False."""
    parser = _Parser(text, schema, parameter_names)
    tree = parser.parse()
    if want_bool and tree.type != FactType.BOOL:
        raise RuleError(
            "type_error",
            f"A rule must be a yes/no condition, but this one gives {tree.type.value}.",
            tree.line,
            tree.column,
            {"expected": "bool", "got": tree.type.value},
        )
    return tree


def parse_parameter(text: str, parameter_names) -> Node:
    """A parameter defined from other parameters: numbers, P.x and + - * / only."""
    parser = _Parser(text, {}, parameter_names, allow_facts=False)
    tree = parser.parse()
    for node in tree.walk():
        if node.kind not in ("lit", "param", "neg", "arith") or not node.type.numeric:
            raise RuleError(
                "not_allowed",
                "A parameter formula may use numbers, other parameters and + - * / only.",
                node.line,
                node.column,
            )
    return tree
