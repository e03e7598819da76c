"""LaTeX statements to MathML, at report build time (browsers lay out MathML natively: no script, no font, no
network request).

A claim's statement is either prose with ``$…$`` (or ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``) formulas in it, or -- as
many theorem modules write it -- one LaTeX formula without delimiters, prose inside ``\\text{…}``.  The latter is
rendered as one formula.  :func:`statement_html` returns safe HTML for either; :func:`statement_markdown` returns
Markdown in which every formula is delimited (GitHub and most viewers render ``$…$``).  A formula the converter
cannot parse is shown as its LaTeX source in ``<code>`` and listed by :func:`problems`.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

__all__ = ["to_mathml", "statement_html", "prose_html", "text_html", "tex_fragments", "statement_markdown", "is_latex",
           "split_math", "problems"]

# A backslash command, a sub/superscript, or braces: a string without ``$`` that has one of these is LaTeX.
_LATEX_HINT = re.compile(r"\\[A-Za-z]+|\\[{}|,;! ]|[_^]\{|[A-Za-z0-9)\]}][_^]")
_MATH = re.compile(r"\$\$(.+?)\$\$|(?<!\\)\$(.+?)(?<!\\)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
# Text-mode macros that occur in prose around the formulas.
_TEXT_MACROS = {"textit": "i", "emph": "i", "textbf": "b", "texttt": "code", "textsc": "span", "text": "span",
                "textrm": "span", "mbox": "span"}
_XMLNS = ' xmlns="http://www.w3.org/1998/Math/MathML"'
_failures: dict[str, str] = {}


def is_latex(text: str) -> bool:
    """Whether ``text`` (without ``$`` delimiters) is LaTeX rather than plain prose."""
    return bool(_LATEX_HINT.search(text or ""))


def split_math(text: str) -> list[tuple[str, str, bool]]:
    """``text`` as (kind, content, display) pieces: kind ``"text"`` or ``"math"``.  A statement without
    delimiters that is LaTeX is one math piece."""
    text = text or ""
    if not _MATH.search(text):
        return _split_text_groups(text.strip()) if is_latex(text) else [("text", text, False)]
    out: list[tuple[str, str, bool]] = []
    pos = 0
    for m in _MATH.finditer(text):
        if m.start() > pos:
            out.append(("text", text[pos:m.start()], False))
        disp = m.group(1) is not None or m.group(4) is not None
        out.append(("math", next(g for g in m.groups() if g is not None).strip(), disp))
        pos = m.end()
    if pos < len(text):
        out.append(("text", text[pos:], False))
    return out


def _split_text_groups(tex: str) -> list[tuple[str, str, bool]]:
    """A delimiter-less LaTeX statement as prose and formulas: its top-level ``\\text{…}`` groups become prose (so
    the statement wraps like a sentence), the rest formulas."""
    out: list[tuple[str, str, bool]] = []
    i, start, n, lr = 0, 0, len(tex), 0  # lr: depth inside \left…\right and \begin…\end (never split there)
    while i < n:
        m = re.match(r"\\(text|textbf|textit|emph|textrm|mbox)\s*\{", tex[i:]) if lr == 0 else None
        if m is None:
            if tex[i] == "\\":
                w = re.match(r"\\(left|right|begin|end)(?![A-Za-z])", tex[i:])
                if w:
                    lr += 1 if w.group(1) in ("left", "begin") else -1
                    i += w.end()
                    continue
                i += 2
                continue
            if tex[i] == "{":  # skip a group: only top-level \text is prose
                depth, j = 0, i
                while j < n:
                    depth += {"{": 1, "}": -1}.get(tex[j], 0)
                    if tex[j] == "\\":
                        j += 1
                    elif depth == 0:
                        break
                    j += 1
                i = j + 1
                continue
            i += 1
            continue
        depth, j = 1, i + m.end()
        while j < n and depth:
            depth += {"{": 1, "}": -1}.get(tex[j], 0)
            if tex[j] == "\\":
                j += 1
            j += 1
        if depth:  # unbalanced: leave it to the converter
            break
        _add_math(out, tex[start:i])
        body = tex[i + m.end():j - 1]
        kind = {"textbf": "b", "textit": "i", "emph": "i"}.get(m.group(1))
        out.append(("text", f"\\{m.group(1)}{{{body}}}" if kind else body, False))
        start = i = j
    _add_math(out, tex[start:])
    return out or [("math", tex, False)]


def _add_math(out: list, piece: str) -> None:
    p = piece.strip()
    if not p:
        if piece:
            out.append(("text", " ", False))
        return
    if re.fullmatch(r"[,.;:()\[\]\s]+|\\[ ,;!]", p):
        out.append(("text", piece.replace("\\ ", " "), False))
        return
    lead = " " if piece[:1].isspace() else ""
    trail = " " if piece[-1:].isspace() else ""
    if lead:
        out.append(("text", lead, False))
    out.append(("math", p, False))
    if trail:
        out.append(("text", trail, False))


def _prepare(tex: str) -> str:
    """Small rewrites for constructs latex2mathml does not know."""
    tex = re.sub(r"\\(?:left|right)\s*\.", "", tex)  # \left. … \right|
    tex = tex.replace(r"\dots", r"\ldots").replace(r"\lVert", r"\|").replace(r"\rVert", r"\|")
    tex = re.sub(r"\\(?:tag|label)\{[^}]*\}", "", tex)
    tex = tex.replace(r"\displaystyle", "").replace(r"\nonumber", "").replace(r"\notag", "")
    return tex


@lru_cache(maxsize=4096)
def to_mathml(tex: str, display: bool = False) -> str:
    """MathML for one formula (no ``$``), with the LaTeX as ``alttext``; raises ``ValueError`` when it does not
    parse."""
    from latex2mathml.converter import convert

    try:
        out = convert(_prepare(tex), display="block" if display else "inline")
    except Exception as e:  # latex2mathml raises many types on bad input
        raise ValueError(f"cannot convert LaTeX to MathML: {type(e).__name__}: {e}") from None
    out = out.replace(_XMLNS, "", 1)
    out = re.sub(r"&#x([0-9A-Fa-f]+);", _literal, out)  # the page is UTF-8: "(" rather than "&#x00028;"
    return out.replace("<math ", f'<math alttext="{html.escape(tex, quote=True)}" ', 1)


def _literal(m: re.Match) -> str:
    ch = chr(int(m.group(1), 16))
    return m.group(0) if ch in "<>&\"'" or not ch.isprintable() else ch


def _text_html(text: str) -> str:
    """Prose between formulas: escaped, with the common text-mode macros as tags and TeX quotes/dashes."""
    out = []
    pos = 0
    for m in re.finditer(r"\\(textit|emph|textbf|texttt|textsc|textrm|mbox|text)\{([^{}]*)\}", text):
        out.append(_plain(text[pos:m.start()]))
        tag = _TEXT_MACROS[m.group(1)]
        out.append(f"<{tag}>{_plain(m.group(2))}</{tag}>")
        pos = m.end()
    out.append(_plain(text[pos:]))
    return "".join(out)


def _plain(s: str) -> str:
    s = s.replace("``", "“").replace("''", "”").replace("---", "—").replace("--", "–").replace(r"\$", "$")
    s = s.replace(r"\%", "%").replace(r"\&", "&").replace("~", " ")
    return html.escape(s, quote=False)


def prose_html(text: str | None) -> str:
    """Safe HTML for prose (assumptions, notes): only ``$``-delimited formulas become MathML; the rest is text,
    however many underscores or carets it has (``t_grok``, ``x^2``)."""
    if not text:
        return ""
    return statement_html(text, whole_statement_may_be_math=False)


def statement_html(text: str | None, whole_statement_may_be_math: bool = True) -> str:
    """Safe HTML for a statement: prose escaped, every formula as MathML (the source in ``<code>`` where a
    formula does not parse)."""
    if not text:
        return ""
    parts = []
    pieces = split_math(text) if (whole_statement_may_be_math or _MATH.search(text)) else [("text", text, False)]
    for kind, content, disp in pieces:
        if kind == "text":
            parts.append(_text_html(content))
            continue
        try:
            parts.append(to_mathml(content, disp))
        except ValueError as e:
            _failures[content] = str(e)
            parts.append(f"<code class='tex' title='not rendered: {html.escape(str(e), quote=True)}'>"
                         f"{html.escape(content)}</code>")
    return "".join(parts)


# -- TeX fragments in free text ---------------------------------------------------------------------------
# Titles, check descriptions, messages and counterexample rows are prose written with small TeX fragments and no
# ``$``: ``‖G_F(0)‖_F``, ``α^{-2}``, ``λ_min``, ``Ŝ_{k,r}``.  A whitespace-separated token is such a fragment when
# it has a ``\command``, or a sub/superscript every one of which reads one way only: a braced group, a command, or
# one character not followed by a lowercase letter or digit, or a lowercase word after a base of at most one
# letter (``λ_min``, ``t_grok``, ``‖E‖_op``).  An identifier (``successes_per_p``, ``norm_F_V0``, ``k_gt_n``) never
# is: a word after a multi-letter base is a name, not a subscript.
_SCRIPT = re.compile(r"[_^](?:\{|\\[A-Za-z]+|[^\s{}\\])")
_WORD_SCRIPT = re.compile(r"_([a-z]{2,})")


_OPERATORS = ("argmin", "argmax", "max", "min", "sup", "inf", "lim", "log", "exp", "det", "tr", "diag", "span", "rank")


def _fragment_tex(tok: str) -> str | None:
    """The LaTeX for a token that is a TeX fragment, else None."""
    if (not tok or tok.count("(") != tok.count(")") or tok.count("{") != tok.count("}") or "$" in tok
            or tok[0] in "_^"):
        return None
    if not (_SCRIPT.search(tok) or re.search(r"\\[A-Za-z]{2,}", tok)):
        return None
    strict = bool(re.search(r"[_^]\{|\\[A-Za-z]{2,}", tok))  # unambiguous TeX: no identifier reading
    if re.search(r"[/:.]\w+[/:.]|::|\.py\b|https?:|\w\.\w", tok) or (not strict and re.search(r"=\S*[_^]", tok)):
        return None  # paths, module names, URLs, claim ids, key=value
    out, i, n, after = [], 0, len(tok), 0  # after: where the last script ended (a base starts there at the earliest)
    while i < n:
        ch = tok[i]
        if ch in "_^":
            rest = tok[i + 1:]
            if not rest:
                return None
            base = re.search(r"[A-Za-z0-9]*$", tok[after:i]).group(0)
            w = _WORD_SCRIPT.match(tok, i) if ch == "_" else None
            if w:
                if not strict and (len(base) > 1 or tok[w.end():w.end() + 1] == "_"):
                    return None  # an identifier: snake_case
                out.append(f"_{{\\mathrm{{{w.group(1)}}}}}")
                i = after = w.end()
                continue
            if base in _OPERATORS:
                del out[len(out) - len(base):]
                out.append(f"\\operatorname{{{base}}}")
                base = ""
            if rest[0] == "{" or rest[0] == "\\":
                out.append(ch)
                i += 1
                continue
            nxt = rest[1:2]
            if not strict and nxt and (nxt.islower() and nxt.isascii() or nxt in "0123456789"):
                return None  # x_ab / V_V0: ambiguous
            if not strict and len(base) > 1 and re.search(r"[a-z]", base):
                return None  # a name with a one-letter part: norm_F
            out.append(ch + rest[0])
            i = after = i + 2
            continue
        out.append(ch)
        i += 1
    return "".join(out).replace("−", "-")


def _split_token(tok: str) -> tuple[str, str, str]:
    """``(lead, core, trail)``: punctuation around a token that belongs to the sentence, not the formula."""
    m = re.match(r"^([\"'“‘(\[]*)(.*?)([\"”’,.;:!?]*)$", tok, re.S)
    lead, core, trail = m.group(1), m.group(2), m.group(3)
    if lead.startswith("'") and core.endswith("'"):
        core, trail = core[:-1], "'" + trail
    while lead.endswith("(") and core.count(")") > core.count("("):
        lead, core = lead[:-1], "(" + core
    while core.endswith(")") and core.count(")") > core.count("("):
        core, trail = core[:-1], ")" + trail
    while lead.endswith("[") and core.count("]") > core.count("["):
        lead, core = lead[:-1], "[" + core
    return lead, core, trail


def _tokens(text: str) -> list[str]:
    """``text`` split at whitespace (the whitespace kept as pieces), never inside a ``{…}`` group."""
    out: list[str] = []
    depth = 0
    for piece in re.split(r"(\s+)", text):
        if depth > 0 and out:
            out[-1] += piece
        else:
            out.append(piece)
        if not piece.isspace():
            depth += piece.count("{") - piece.count("}")
            depth = max(depth, 0)
    return out


def tex_fragments(text: str | None) -> list[str]:
    """The TeX fragments of free text (outside ``$…$``) that :func:`text_html` renders as MathML."""
    out = []
    for kind, content, _ in (split_math(text) if text and _MATH.search(text) else [("text", text or "", False)]):
        if kind == "text":
            for tok in _tokens(content):
                if tok.isspace():
                    continue
                core = _split_token(tok)[1]
                if _fragment_tex(core) is not None:
                    out.append(core)
                elif _partial_fragment(core)[1]:
                    head, frag, tail = _partial_fragment(core)
                    out += [*tex_fragments(head), frag, *tex_fragments(tail)]
                else:
                    out += [x for x in re.split(r"[(),\[\]]+", tok) if _fragment_tex(x) is not None]
    return out


def text_html(text: str | None) -> str:
    """Safe HTML for free text (titles, descriptions, messages, table cells): ``$…$`` formulas and bare TeX
    fragments (:func:`tex_fragments`) as MathML, everything else as escaped text."""
    if not text:
        return ""
    parts = []
    for kind, content, disp in (split_math(text) if _MATH.search(text) else [("text", text, False)]):
        if kind == "math":
            parts.append(statement_html(f"$${content}$$" if disp else f"${content}$"))
            continue
        for piece in _tokens(content):
            lead, core, trail = _split_token(piece)
            tex = _fragment_tex(core) if core else None
            if tex is None:
                head, frag, tail = _partial_fragment(core)
                if frag:  # the rest of the token may hold another fragment: Σ_h(z_h
                    parts.append(_plain(lead) + text_html(head) + _fragment_html(frag) + text_html(tail) + _plain(trail))
                    continue
                for x in re.split(r"([(),\[\]]+)", piece):  # the fragments inside: cos(V_t, ...
                    parts.append(_fragment_html(x))
                continue
            parts.append(_plain(lead) + _fragment_html(core) + _plain(trail))
    return "".join(parts)


def _partial_fragment(tok: str) -> tuple[str, str, str]:
    """A token whose parentheses do not balance (a formula split at a space: ``G*)e^{(σ²+η)t}``): the longest
    fragment after a ``)`` or before a ``(``, as ``(text before, fragment, text after)``; ``("", "", "")`` if none."""
    for i, ch in enumerate(tok):
        if ch == ")" and _fragment_tex(tok[i + 1:]) is not None:
            return tok[:i + 1], tok[i + 1:], ""
    for i in range(len(tok) - 1, -1, -1):
        if tok[i] == "(" and _fragment_tex(tok[:i]) is not None:
            return "", tok[:i], tok[i:]
    return "", "", ""


def _fragment_html(tok: str) -> str:
    """MathML for a token that is a TeX fragment, else the token as text."""
    tex = _fragment_tex(tok)
    if tex is None:
        return _text_html(tok)
    try:
        return to_mathml(tex)
    except ValueError as e:
        _failures[tex] = str(e)
        return _text_html(tok)


def statement_markdown(text: str | None) -> str:
    """The statement for Markdown, every formula delimited: a delimiter-less LaTeX statement is wrapped in
    ``$…$``; one line (table cells)."""
    if not text:
        return ""
    pieces = []
    for kind, content, disp in split_math(text):
        if kind == "text":
            pieces.append(_text_md(content))
        else:
            pieces.append(f"${' '.join(content.split())}$")
    return " ".join("".join(pieces).split())


def _text_md(text: str) -> str:
    marks = {"textit": "*", "emph": "*", "textbf": "**", "texttt": "`"}
    return re.sub(r"\\(textit|emph|textbf|texttt|textsc|textrm|mbox|text)\{([^{}]*)\}",
                  lambda m: f"{marks.get(m.group(1), '')}{m.group(2)}{marks.get(m.group(1), '')}", text)


def problems() -> dict[str, str]:
    """Formulas that did not convert in this process (LaTeX → reason)."""
    return dict(_failures)
