"""Transport: how messages arrive (zip archives under the VECOZO rules) before they are read."""
