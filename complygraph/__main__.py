from complygraph.cli import app

app()
