"""Pulling submissions straight from KoboToolbox and ODK Central.

A program holds its server (:class:`~laktasi.imports.pull.models.ServerSource`: kind,
address, form and an encrypted token). :mod:`.clients` fetches every submission through the
servers' documented APIs, :mod:`.convert` turns them into the columns the responses importer
reads, and :mod:`.services` stores them as an import job, so they go through the same
preview → commit path as an uploaded file.
"""
