"""The RESV messages as EI fixed-width files: a codec on top of the Vektis engine
(:mod:`resv_edi.vektis`), registered as format ``ei``; and ``inspect`` with the RESV
return-code list."""
