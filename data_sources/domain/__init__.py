"""The pure domain, free of Flask and SQLAlchemy: result rules, codes, vocabularies, actors, formatting."""
