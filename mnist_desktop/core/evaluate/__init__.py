"""Evaluate a recipe: train the baseline on the processed training rows, measure it on the test split.

- :mod:`.model`: the one baseline classifier (ridge on random ReLU features),
  with out-of-fold probabilities that other features reuse;
- :mod:`.metrics`: accuracy, precision, recall, F1 and the confusion matrix,
  defined exactly as scikit-learn defines them;
- :mod:`.report`: :func:`evaluate` and its :class:`EvaluationReport`.
"""
