"""Figures and maps of the pages (Plotly), offline."""
