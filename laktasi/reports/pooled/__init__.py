"""Evidence across programs: the pooled evaluation (meta-analysis) of many programs' reports.

``datasets`` reads (the only ORM code), ``analysis`` computes with ``laktasi.stats.pooled``,
``document`` lays the result out as a report for the existing exporters, ``export`` adds the
JSON and the metafor CSV.
"""
