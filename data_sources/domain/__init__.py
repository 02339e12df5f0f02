"""The pure domain, free of Flask and SQLAlchemy: result rules, codes, vocabularies, actors, formatting, the limits
and the input models every write and query is read through."""
