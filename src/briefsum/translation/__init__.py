"""Translation as a stage: the Translator protocol, Apertium (with its unknown words), routing other-language
paragraphs, and the factory that chooses the translator an engine is handed."""
