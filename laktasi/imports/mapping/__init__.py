"""Column mapping: Google Forms exports and any spreadsheet that is not a laktasi template.

laktasi suggests the instrument, a column → item mapping and an answer → choice mapping
(:mod:`.suggest`, by fuzzy text matching in both languages, with a confidence per column);
the user confirms or corrects it on a web page (:mod:`.views`) or passes a saved mapping to
``laktasi import --mapping``; :mod:`.apply` then turns the file into the rows the responses
importer reads, so the file goes through the same preview → commit path as every other
import.
"""
