"""Tools for scenario authors: analysis, random playthroughs, graphs, schema, scaffolding and
the scenarios' own tests. Pure functions over the model; nothing here imports a UI library."""
