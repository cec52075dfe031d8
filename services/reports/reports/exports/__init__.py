"""A report's other forms: its tables as CSV and XLSX, chosen by `?format=` or `Accept`."""
