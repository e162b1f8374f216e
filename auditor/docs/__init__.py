"""Documentation drift: the docs folder -> DocsTree (scan), compared with the inventory and catalog.

scan.py reads the folder (only regular files inside it); markdown.py parses a page into headings
and blocks; reading.py reads what a page states about an object (sql.py: CREATE TABLE) and
stubs.py whether it was ever written; compare.py holds the rules and each object's status;
explain.py and text.py print them; generated.py and scaffold.py write pages; inventory_doc.py
renders the inventory document. Everything except scan.py and scaffold.write_plan is pure.
"""
