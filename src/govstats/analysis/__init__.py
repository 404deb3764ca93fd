"""Stage 5 — analysis of a panel: named rates with intervals (``metrics``), funnel limits,
shrinkage and count models (``stats``), paper figures with CJK text (``plotting``), and the
research notebooks run from Python (``notebooks``).  Needs the ``analysis`` extra."""
