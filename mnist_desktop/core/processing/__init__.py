"""Processing: normalization, seeded augmentation, the recipe, and the pipeline.

``recipe`` is the parameter object (JSON round trip); ``pipeline`` turns a
dataset and a recipe into output rows, the one path that both the preview
(``preview``) and every exporter take, so what is seen is what is exported.
"""
