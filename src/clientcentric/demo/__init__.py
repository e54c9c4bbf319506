"""The demo region «Демонстрационная область»: loads the repository's data through every app's services.

It sits above the domain apps (it may import any of them, none imports it), so the loaders that span apps, and
the ``load_demo`` and ``load_research_demo`` commands that run them in order, live here.
"""
