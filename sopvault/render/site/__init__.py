"""The HTML export's pages and the PDF (issue 16): Jinja2 templates with autoescaping,
Markdown through markdown-it-py with raw HTML disabled, code through Pygments."""
