"""`briefsum serve`: a small REST service and a web page over briefsum's API (needs the `serve` extra).

settings.py reads the `service:` part of the configuration, limits.py holds the request guards (API keys, the
body-size limit, the bounded job slots), requests.py turns an HTTP request into summarise()/translate()
arguments, app.py is the Starlette application, cli.py the command. Nothing here is imported by `import briefsum`.
"""
