"""Grading: grade budgets and nesting, compression (the rules, and the learned parse-based deletion), and the
fitting of generated text into a budget (clause splits, loop checks)."""
