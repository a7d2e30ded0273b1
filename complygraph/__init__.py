"""complygraph: product chemical compliance for the electronics supply chain as one RDF knowledge graph."""

__version__ = "0.1.0"
