"""避头: no line of an official paragraph starts with closing punctuation, also where two such characters
follow each other at the end of a full line (reportlab alone leaves the second one alone on the next line)."""
from reportlab.lib.textsplit import ALL_CANNOT_START
from reportlab.platypus import Paragraph

from xinfang.reports.fonts import register_fonts
from xinfang.reports.official import OfficialParagraph, _line_text, styles

# a sentence of the monthly summary whose first two lines are full at the body width (16 pt, 156 mm)
TEXT = "从问题类别看，居前的是城乡建设（150件，占18.1%）、劳动和社会保障（133件，占16%）、生态环境（83件，占10%）。"
WIDTH = 442


def starts(paragraph) -> list[str]:
    paragraph.wrap(WIDTH, 1000)
    return [_line_text(line)[:1] for line in paragraph.blPara.lines]


def test_no_line_starts_with_closing_punctuation():
    register_fonts(system=False)
    body = styles()["body"]
    plain = starts(Paragraph(TEXT, body))
    assert any(c in ALL_CANNOT_START for c in plain[1:]), "the case this guards against (reportlab alone)"
    fixed = starts(OfficialParagraph(TEXT, body))
    assert not any(c and c in ALL_CANNOT_START for c in fixed[1:]), fixed
    assert "".join(_line_text(x) for x in OfficialParagraph(TEXT, body).breakLines([WIDTH]).lines) == TEXT


def test_a_paragraph_without_the_problem_keeps_the_full_width():
    register_fonts(system=False)
    p = OfficialParagraph("办理时效方面，按期受理率94.5%。", styles()["body"])
    assert p.wrap(WIDTH, 1000)[0] == WIDTH and p.width == WIDTH
