"""The forms as data: the indicator catalogue (``indicators.csv``), the table layouts of
every regime (:mod:`.layouts`, read from ``layouts/*.yaml``), the forms' identities
(:mod:`.rules`, read from ``rules/identities.yaml``) and the findings of the read and parse
stages (:mod:`.findings`, read from ``catalogue/findings.yaml``).  Every stage reads them;
none of them reads a report."""
