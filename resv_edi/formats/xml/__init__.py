"""XML: safe streaming reader (lxml iterparse) and template writer."""
