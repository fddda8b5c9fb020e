"""Integrations with other frameworks: ray (Ray Data predictor, corpus runs on a cluster), hf_datasets
(`datasets.Dataset.map`). Each imports its framework only when imported itself."""
