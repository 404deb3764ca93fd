"""Torn labels: a converter that printed a table's label column as a block of plain lines
before a block of number-only rows (plain lines of numbers, or the leading number-only rows
of a pipe or tab table).  Equal counts are paired by order, and a note says so; different
counts are not paired, both stay grids of their own, and a warning says why."""

from __future__ import annotations

from dataclasses import replace

from ...catalogue.findings import finding
from ...model import Cell, Finding
from .cells import is_label, join_wrapped, numeric_tokens, open_excess, row_class
from .source import Block, Pairing, Source

RULE_PAIRED_LABELS = "read.markdown.paired_labels"
RULE_LABEL_MISMATCH = "read.markdown.label_count_mismatch"

#: Most label lines paired with one block of number rows.
MAX_PAIRED = 80


def torn_labels(src: Source) -> None:
    """Pair the label lines standing above each block of number-only rows (a pipe or tab
    table's leading rows, or a run of plain number lines) with those rows."""
    candidates: list[tuple[int, Block | None, list[int]]] = []
    for block in src.blocks:
        if block.kind in ("pipe", "tab"):
            candidates.append((block.first, block, []))
    i = 0
    n = len(src.lines)
    while i < n:  # runs of plain number lines (blank/footer lines may stand between)
        if src.kinds[i] != "text" or numeric_tokens(src.clean[i]) is None:
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < n and (src.transparent(j) or (
                src.kinds[j] == "text" and numeric_tokens(src.clean[j]) is not None)):
            if not src.transparent(j):
                run.append(j)
            j += 1
        candidates.append((i, None, run))
        i = j
    previous: Pairing | None = None
    for _, block, run in sorted(candidates, key=lambda c: c[0]):
        previous = _pair(src, block, run, previous)


def _labels_above(src: Source, first: int) -> tuple[list[tuple[int, str]], Block | None]:
    """Label lines just above line ``first`` (in order), or a one-column label table."""
    found: list[int] = []
    j = first - 1
    while j >= 0 and len(found) < MAX_PAIRED:
        if src.transparent(j):
            j -= 1
            continue
        if (src.kinds[j] == "text" and not src.consumed[j]
                and is_label(src.lines[j], src.clean[j])):
            found.append(j)
            j -= 1
            continue
        break
    if found:
        items = [(k, src.clean[k]) for k in reversed(found)]
        return _join_bracketed(items), None
    block = src.block_at_end.get(j)
    if block is not None and block.kind in ("pipe", "tab") and not src.consumed[j]:
        labels = []
        for row in block.rows:
            texts = [c for c in row if c.text]
            if len(texts) != 1 or not is_label("", texts[0].text):
                return [], None
            labels.append(((texts[0].line or 1) - 1, texts[0].text))
        return labels, block
    return [], None


def _pair(src: Source, block: Block | None, run: list[int],
          previous: Pairing | None) -> Pairing | None:
    first = block.first if block is not None else run[0]
    if block is not None:
        classes = [row_class([c.text for c in row]) for row in block.rows]
        h = 0
        while h < len(classes) and classes[h] == "text":
            h += 1
        m = 0
        while h + m < len(classes) and classes[h + m] == "num":
            m += 1
    else:
        h, m = 0, len(run)
    if m == 0:
        return previous
    labels, label_block = _labels_above(src, first)
    if not labels:
        return previous
    k = len(labels)
    if k != m and not (h and k == h + m):
        return _mismatch(src, labels, label_block, block, run, h, m)
    for line, _ in labels:
        src.consumed[line] = True
    if label_block is not None:
        src.blocks.remove(label_block)
        for line in range(label_block.first, label_block.last + 1):
            src.consumed[line] = True
    if block is None:
        return _pair_lines(src, labels, run, previous)
    first_paired = 0 if k == h + m else h
    number_lines = [(row[0].line or 1) - 1 for row in block.rows[first_paired:][:k] if row]
    new_rows: list[list[Cell]] = []
    for r, row in enumerate(block.rows):
        shifted = [replace(c, col=c.col + 1) for c in row]
        if first_paired <= r < first_paired + k:
            line, label = labels[r - first_paired]
            new_rows.append([Cell(label, r, 0, line=line + 1), *shifted])
        elif r < h:
            new_rows.append([Cell("", r, 0, line=row[0].line if row else None), *shifted])
        else:
            new_rows.append(row)
    block.rows = new_rows
    block.title_from = min(labels[0][0], block.first)
    pairing = Pairing(block, labels, number_lines, k)
    src.pairings.append(pairing)
    return pairing


def _pair_lines(src: Source, labels: list[tuple[int, str]], run: list[int],
                previous: Pairing | None) -> Pairing:
    for i in run:
        src.consumed[i] = True
    # Alternating label / numbers lines continue the grid of the pair just above.
    if (previous is not None and previous.block.kind == "numbers" and previous.matched
            and src.only_transparent(previous.number_lines[-1], labels[0][0])):
        pairing = previous
        block = previous.block
    else:
        block = Block(kind="numbers", first=labels[0][0], last=run[-1], rows=[],
                      grid_kind="stream", title_from=labels[0][0])
        src.add(block)
        pairing = Pairing(block, [], [], 0)
        src.pairings.append(pairing)
    labels = _continued_label(src, labels, run[-1])
    for (line, label), i in zip(labels, run, strict=True):
        r = len(block.rows)
        cells = [Cell(label, r, 0, line=line + 1)]
        cells += [Cell(t, r, c, line=i + 1)
                  for c, t in enumerate(numeric_tokens(src.clean[i]) or [], start=1)]
        block.rows.append(cells)
    block.last = run[-1]
    pairing.labels += labels
    pairing.number_lines += run
    pairing.n_rows += len(labels)
    return pairing


def _continued_label(src: Source, labels: list[tuple[int, str]],
                     last: int) -> list[tuple[int, str]]:
    """A last label left with an open bracket may end on the line right after its
    numbers (PDF text puts a wrapped label's middle line beside the numbers)."""
    line, label = labels[-1]
    nxt = last + 1
    if (open_excess(label) <= 0 or nxt >= len(src.lines) or src.kinds[nxt] != "text"
            or src.consumed[nxt] or not is_label(src.lines[nxt], src.clean[nxt])):
        return labels
    joined = join_wrapped([label, src.clean[nxt]])
    if open_excess(joined) != 0:
        return labels
    src.consumed[nxt] = True
    return [*labels[:-1], (line, joined)]


def _mismatch(src: Source, labels: list[tuple[int, str]], label_block: Block | None,
              block: Block | None, run: list[int], h: int, m: int) -> None:
    if label_block is None:
        for line, _ in labels:
            src.consumed[line] = True
        label_block = Block(
            kind="labels", first=labels[0][0], last=labels[-1][0], grid_kind="stream",
            rows=[[Cell(t, r, 0, line=line + 1)] for r, (line, t) in enumerate(labels)],
        )
        src.add(label_block)
    if block is None:
        for i in run:
            src.consumed[i] = True
        block = Block(
            kind="numbers", first=run[0], last=run[-1], grid_kind="stream",
            rows=[[Cell(t, r, c, line=i + 1)
                   for c, t in enumerate(numeric_tokens(src.clean[i]) or [])]
                  for r, i in enumerate(run)],
        )
        src.add(block)
        number_lines = run
    else:
        number_lines = [(row[0].line or 1) - 1 for row in block.rows[h : h + m] if row]
    src.pairings.append(Pairing(label_block, labels, number_lines, m, other=block,
                                matched=False))
    return None


def _join_bracketed(items: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join label lines that continue a bracket left open (at most 3 lines a label)."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(items):
        line, text = items[i]
        parts = [text]
        j = i
        while open_excess("".join(parts)) > 0 and j + 1 < len(items) and j - i < 2:
            j += 1
            parts.append(items[j][1])
        out.append((line, join_wrapped(parts)))
        i = j + 1
    return out


def _span(lines: list[int]) -> str:
    """``line 5``, ``lines 5–7`` (contiguous) or ``lines 5, 7, 9`` (1-based)."""
    ones = sorted({i + 1 for i in lines})
    if len(ones) == 1:
        return f"line {ones[0]}"
    if ones[-1] - ones[0] == len(ones) - 1:
        return f"lines {ones[0]}–{ones[-1]}"
    shown = ", ".join(map(str, ones[:8]))
    return f"lines {shown}" + (", …" if len(ones) > 8 else "")


def pairing_note(p: Pairing) -> Finding:
    assert p.block.grid is not None
    k = len(p.labels)
    label_lines = _span([line for line, _ in p.labels])
    number_lines = _span(p.number_lines) if p.number_lines else "no line"
    if p.matched:
        return finding(
            RULE_PAIRED_LABELS,
            grid=p.block.grid.index,
            k=k,
            label_lines=label_lines,
            number_lines=number_lines,
            n_rows=p.n_rows,
            cells=tuple(
                {"grid": p.block.grid.index, "row": r, "col": 0, "line": line + 1, "text": text}
                for r, (line, text) in _label_rows(p)
            ),
        )
    assert p.other is not None and p.other.grid is not None
    return finding(
        RULE_LABEL_MISMATCH,
        k=k,
        label_lines=label_lines,
        grid=p.block.grid.index,
        n_rows=p.n_rows,
        number_lines=number_lines,
        other_grid=p.other.grid.index,
        cells=({"grid": p.block.grid.index}, {"grid": p.other.grid.index}),
        expected=f"{k} number-only rows",
        found=f"{p.n_rows} number-only rows",
    )


def _label_rows(p: Pairing) -> list[tuple[int, tuple[int, str]]]:
    """(row, label) of each paired row of a matched pairing's grid."""
    by_text = {(c.line, c.text): c.row for row in p.block.rows for c in row if c.col == 0}
    return [(by_text.get((line + 1, text), -1), (line, text)) for line, text in p.labels]
