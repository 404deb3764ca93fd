"""The forms as data: the indicator catalogue (``indicators.csv``), the table layouts of
every regime (:mod:`.layouts`, read from ``layouts/*.yaml``) and the forms' identities
(:mod:`.rules`, read from ``rules/identities.yaml``).  Every stage reads them; none of them
reads a report."""
