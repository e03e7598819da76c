"""LaTeX statements to MathML at build time (li2verify.verify.mathml)."""

from li2verify.verify import mathml as M


def test_dollar_delimited_formulas_become_mathml_and_prose_stays_text():
    h = M.statement_html(r"If $\tilde{F}$ has full rank, then $\|G_F\|_F = O(\alpha)$ & more")
    assert h.count("<math") == 2 and "If " in h and "&amp; more" in h
    assert "http" not in h  # no xmlns URL: nothing that looks like a fetch
    assert 'alttext="\\tilde{F}"' in h


def test_a_statement_without_delimiters_is_one_formula_with_prose_from_text_groups():
    s = r"\text{Either it is in a real irrep of dimension } d_k \text{ (with } \mathcal{E}^* = M/8d_k\text{)}"
    pieces = M.split_math(s)
    assert [k for k, _, _ in pieces if k == "math"] == ["math", "math"]
    h = M.statement_html(s)
    assert h.count("<math") == 2 and "Either it is in a real irrep" in h
    assert M.statement_markdown(s) == r"Either it is in a real irrep of dimension $d_k$ (with $\mathcal{E}^* = M/8d_k$)"


def test_left_right_groups_are_never_split():
    s = r"\mathcal{E} = \left| \sum_r \text{tr}(\hat{S}_{k,r}) \right|^2 \quad (19)"
    assert [k for k, _, _ in M.split_math(s)] == ["math"]
    assert "<code" not in M.statement_html(s)


def test_plain_prose_is_not_math_and_text_macros_become_tags():
    assert M.split_math("No other local maxima exist.") == [("text", "No other local maxima exist.", False)]
    assert M.statement_html(r"grokking \textit{faster} with $\eta$") .startswith("grokking <i>faster</i> with <math")
    assert M.statement_markdown(r"\textbf{Remark.} $x$") == "**Remark.** $x$"


def test_a_formula_that_does_not_parse_is_shown_as_source_and_listed():
    h = M.statement_html(r"$\left( x$")
    assert "<code class='tex'" in h and r"\left( x" in h
    assert r"\left( x" in M.problems()


def test_display_math_and_escaping():
    h = M.statement_html(r"$$a<b$$ and <script>")
    assert 'display="block"' in h and "&lt;script&gt;" in h and "<script>" not in h


def test_prose_renders_only_delimited_formulas():
    from li2verify.verify.mathml import prose_html, statement_html

    text = r"t_grok = first epoch with test acc ≥ 0.9; σ = x^2; weight decay $\eta = 2\cdot10^{-4}$"
    assert prose_html(text).count("<math") == 1 and "t_grok" in prose_html(text)
    assert statement_html(r"\mathcal{E}(w) = \frac12 \|w\|^2").count("<math") >= 1


def test_free_text_renders_tex_fragments_and_leaves_identifiers_alone():
    """Titles, descriptions, messages and table cells: bare TeX fragments become MathML; snake_case names,
    paths and module names stay text."""
    h = M.text_html("yet ‖G_F(0)‖_F > 0 and grows like α^{-2}, (see λ_min); e^{-60 t} of its limit")
    assert h.count("<math") == 4 and 'alttext="e^{-60 t}"' in h and ", (see" in h
    assert M.tex_fragments("successes_per_p k_gt_n norm_F_V0 theorems/thm1_x.py mod.sub_x::test_a") == []
    assert M.tex_fragments("t_grok x^2 argmin_k Σ_x W_2W_3") == ["t_grok", "x^2", "argmin_k", "Σ_x", "W_2W_3"]
    assert M.tex_fragments("cos(V_t, V_{t−1})") == ["V_t", "V_{t−1}"]  # inside a function's parentheses
    assert "&lt;b&gt;" in M.text_html("<b> x_1")  # escaped like any text
