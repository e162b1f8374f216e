"""Documentation drift: the docs folder -> DocsTree (scan), compared with the inventory and catalog.

scan.py reads the folder; claims.py reads what each doc states; compare.py holds the rules and
the per-object status; generated.py and scaffold.py write docs; inventory_doc.py renders the
inventory document. Everything except scan.py and scaffold.write_plan is pure.
"""
